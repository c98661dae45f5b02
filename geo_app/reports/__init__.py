"""Renderers of the quarterly report (HTML, PDF, DOCX) and its figures (maps, charts)."""
