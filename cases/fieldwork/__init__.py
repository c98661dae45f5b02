"""Field work, whatever the channel: routes and findings from the desk, files, CLI and phone.

``recording`` (inspections and findings from files and the command line), ``desk`` (the
desk forms: a route's preview, findings with photos), ``phone_sync`` and ``sync_payload``
(what the phone captured, stored exactly once), ``uploads`` (files checked by content, photos
re-encoded) and ``attachments`` (minutes, photos and links of records).
"""
