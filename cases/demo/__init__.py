"""The demo: the Unidad's April–June 2025 report told as records, with illustrative geometry.

``story`` (institutions, people, indicators and meetings from the report) and ``dataset``
(the whole demo dataset loaded into a database).
"""
