"""The domain of Límites: municipalities, boundary versions, dispute zones, cases, meetings,
agreements, inspections, findings and indicators, with their storage.

This package never imports Flask.
"""
