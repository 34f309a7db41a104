"""School: the shape of an establishment and who is who in it.

Owns establishments, school years, evaluation periods, the holiday calendar, levels and series,
classes, teaching groups, subjects, teaching assignments, enrollments, guardianships, staff
functions and guests, and the imports of the year's data. Roles are these relations, never global
groups: `roles.py` reads them, `policies.py` turns them into predicates and scopes."""
