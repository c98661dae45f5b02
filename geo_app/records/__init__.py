"""The record pages: Tablero, Mapa general, and each zone, case, meeting, inspection and site.

One blueprint module per page family (``dashboard``, ``overview``, ``zones``,
``case_files``, ``meetings``, ``inspections``, ``sites``, and ``attachments`` serving their
files), their page models (``pages``), the map layers built from records (``map_layers``) and
how those layers become a Folium map (``map_render``, on the :mod:`geo_app.maps` toolkit).
"""
