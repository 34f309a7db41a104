"""Imports of the year's data: students and their guardians, staff, teaching assignments.

The way of a file: `reading` turns bytes (CSV in any usual encoding and delimiter, or XLSX) into a
`Table` of text cells with their line numbers; `columns` finds the known columns whatever their
case, accents or spacing; each kind (`students`, `staff`, `assignments`) validates every line
against what the establishment already holds and builds a `Plan` (problems with line, column and a
plain French message; what would be created, updated or left unchanged); `services.apply_import`
validates again inside one transaction and writes the plan with bulk queries, or nothing at all.

Entry points: `services.preview_import` and `services.apply_import`. Formats: docs/import-formats.md.
"""
