"""Pure geometry for municipal limits: reading, CRS handling, validation and analysis.

This package imports neither Flask nor SQLAlchemy; it works on shapely geometries and
geopandas GeoDataFrames only.
"""
