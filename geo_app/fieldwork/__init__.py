"""«Captura en campo» on the phone: its sync endpoints and what it keeps offline.

``routes`` (sync, photos, the page) and ``offline`` (the service worker's list).
"""
