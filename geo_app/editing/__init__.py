"""Desk editing: the forms that create and change records (``routes`` and ``forms``)."""
