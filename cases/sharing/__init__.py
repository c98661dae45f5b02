"""What leaves the Unidad: the reader's scope, share links, export tables and the OGC API.

``scope`` (the one place deciding rows, layers, notes and attachments for a lector, an API
key or a share link), ``links`` (share links), ``tables`` (the records of a scope as tables
with Spanish attribute names, for every export format) and ``features`` (the OGC API –
Features use cases).
"""
