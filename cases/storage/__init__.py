"""Storage: engines and sessions, the typed models, geometry columns and migrations.

``db`` (engines, sessions, migrations on SQLite and PostgreSQL + PostGIS), ``models`` (the
SQLAlchemy 2 models and the data version), ``statuses`` (the domain's string enums),
``geometry`` and ``spatial`` (one geometry column and one spatial filter for both engines),
``locks`` (one import at a time), ``backup`` (backup and restore with the attachments) and
``migrations/`` (Alembic).
"""
