"""Proposed limits of our own invention on the INEGI frame (tests only)."""

from shapely import LineString

# A limit of our own invention between Oaxaca de Juárez and San Jacinto Amilpas, across the
# demo's Colonia Ejidal: from San Jacinto's southern limit it runs into Oaxaca, cuts the tip
# of San Jacinto and comes back to its eastern limit, so pieces change hands both ways (two
# Oaxaca → San Jacinto, one San Jacinto → Oaxaca). Its ends are drawn a few metres off the
# limit, as a hand on a map leaves them.
PROPOSAL = LineString([
    (-96.7525, 17.07592), (-96.7500, 17.0755), (-96.7470, 17.0745), (-96.7445, 17.0765),
    (-96.7440, 17.0790), (-96.7478, 17.0795),
])
# A second party's proposal over the same stretch: south of the first one at its start (a
# strip passes San Jacinto → Oaxaca between them), closer to the limit further on (Oaxaca →
# San Jacinto).
COUNTER_PROPOSAL = LineString([
    (-96.7525, 17.07592), (-96.7500, 17.0748), (-96.7465, 17.0775), (-96.7455, 17.0788),
    (-96.7478, 17.0795),
])
