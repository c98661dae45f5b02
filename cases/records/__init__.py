"""Records staff keep: desk editing, the Papelera, versions, the audit log and page queries.

``editing`` (create, update and trash zones, cases, meetings, agreements, inspections,
findings, sites, institutions and people), ``lifecycle`` (soft deletion, restore, optimistic
versions), ``record_types`` (the kinds of record and their Spanish names), ``audit`` (who
changed what), ``queries`` (read models of the pages: Tablero, lists, each record with its
relations) and ``text`` (rules for typed text).
"""
