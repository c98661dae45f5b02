"""Who may come in and do what: accounts, roles and personal API keys.

``accounts`` (create, sign in, passwords, disable), ``permissions`` (pure rules of a user and
a record) and ``api_keys`` (keys that programs such as QGIS use to read the OGC API).
"""
