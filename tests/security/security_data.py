"""Form data the security tests send."""

# Turning the first overlap of the demo's two claims into a zone.
OVERLAP = {"elegido": "1", "reclamo": ["Oaxaca de Juárez", "San Jacinto Amilpas"],
           "area_minima": "1", "traslape": "1", "nombre": "Zona forjada"}
