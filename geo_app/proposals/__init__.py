"""«Propuestas de límite»: a proposed limit drawn or uploaded, what changes hands, the annex.

Its routes (``routes.py``), forms (``forms.py``), page models (``pages.py``) and downloads
(``documents.py``: annex PDF, CSV and DXF, the line as GPKG and KML); statuses and ratification.
"""
