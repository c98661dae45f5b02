"""The domain of Límites and its storage.

Municipalities, boundary versions, dispute zones, cases, meetings, agreements, inspections,
findings and indicators.

This package never imports Flask.
"""
