"""«Indicadores»: each MIR indicator's level per quarter and its editing (``routes``)."""
