"""Limit proposals: a proposed line between two municipalities, what it moves, its ratification.

``proposals`` keeps the proposals and their statuses, ``exchange`` says what changes hands
(areas and the records lying in them), ``ratification`` turns an accepted proposal into a new
frame with both municipalities re-cut.
"""
