"""Audit: an append-only record of sensitive changes (accounts, guardianships, functions,
imports, later marks and sanctions): who, when, what, old and new values.

Knows no feature: callers pass what changed. Rows are never updated nor deleted by the app."""
