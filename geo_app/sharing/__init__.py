"""Sharing with the Comisión de Límites: share links and the OGC API – Features.

``routes`` (share links), ``ogcapi`` (the API's routes) and ``ogcapi_documents`` (its
JSON and HTML documents).
"""
