"""Every map and chart drawn on the server with matplotlib.

- :mod:`geo_app.figures.drawing`: what every figure shares (lines and polygons of shapely
  geometries, scale bar, north arrow, saving as PNG/SVG);
- :mod:`geo_app.figures.ficha`: the map of a zone's or a case's PDF ficha;
- :mod:`geo_app.figures.report`: the quarterly report's small maps (PDF, DOCX, screen) and
  its indicator chart.

Figures are built with :class:`matplotlib.figure.Figure` (no pyplot, no global state), so
they are safe in a threaded WSGI server. Coordinates are EPSG:4326 longitude/latitude. Colours
come from :mod:`geo_app.theme` (through the map styles of :mod:`geo_app.maps.styles`).
"""
