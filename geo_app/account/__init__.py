"""Accounts on the web: sign-in, sessions, CSRF, roles on each view.

``auth`` holds the blueprint of ``/cuenta/`` and the guards every other view relies on.
"""
