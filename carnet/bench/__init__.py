"""`make bench`: the figures an issue names, measured on this machine and written to
docs/benchmarks.md (median of several runs, the machine, the data sizes).

Run as `python -m carnet.bench` (full run) or `python -m carnet.bench --quick` (small sizes, one
run: a smoke test of the harness). Every run works in a scratch directory of its own: a fresh
SQLite database, production settings, a real gunicorn server on loopback; nothing under var/ is
touched. Nothing here is imported by runtime code.
"""
