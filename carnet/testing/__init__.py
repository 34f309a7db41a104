"""Test helpers: the named test school and factories. Never imported by runtime code."""
