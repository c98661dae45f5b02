"""Page models: what each page shows, built from the records :mod:`cases` returns.

Labels, links, number formats and map layers live here, so changing a popup or a caption
touches this package only. :mod:`geo_app.pages.layers` builds the map layers,
:mod:`geo_app.pages.render` draws them with :mod:`geo_app.maps`, and the other modules
assemble one page each.
"""
