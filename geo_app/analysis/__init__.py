"""«Análisis»: overlaps and gaps between the frame and the claims, and two versions compared.

``routes`` (the pages and turning an overlap into a zone) and ``pages`` (their page models).
"""
