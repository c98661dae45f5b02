"""Municipal limits: frames, stored versions, imports, topology and the facts derived from them.

``in_force`` (frames and the one in force), ``importer`` (INEGI frames, claims, agreements,
rulings), ``stored_layers`` (stored and file layers as GeoDataFrames), ``versions`` (a
municipality's versions compared), ``topology`` (overlaps, gaps, dispute zones made from
them), ``index`` (the frame in force indexed once per process) and ``derived`` (each
finding's responsible municipality and river km, each route's split).
"""
