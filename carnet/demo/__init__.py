"""Demo data: `carnet seed-demo` builds, deterministically, a French lycée (Lycée Jean-Jaurès, Lyon)
and a Beninese CEG (CEG Dantokpa, Cotonou) in the same instance, with their year, calendar, classes,
subjects and coefficients, staff, teachers and their assignments, students and guardians, their
marks (the first period complete, the second up to today: `grades`), the first period's appraisals,
closed councils and conduct marks (`councils`) and published report cards, and prints one sign-in
per role.

It owns the demo accounts table (which person plays which printed role) and nothing else: it writes
the school's and identity's models directly, in bulk, because seeding thousands of people one
service call at a time would take minutes (the report cards alone go through their service,
`carnet.reportcards.services.publish_for_class`). Composition only: nothing imports it."""
