"""Writes on the school's objects, one module per concern (accounts, imports…)."""
