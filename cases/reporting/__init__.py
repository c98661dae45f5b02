"""The quarterly report and the budget-program indicators it states.

``quarters`` (fiscal quarters such as «2025-T2»), ``indicators`` (MIR indicators and their
level per quarter) and ``quarterly`` (the Unidad's quarterly report built from its records).
"""
