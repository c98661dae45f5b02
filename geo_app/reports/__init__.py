"""«Informe»: the quarterly report on screen (``routes``) and its renderers (HTML, PDF, DOCX)."""
