"""The student's school-life record: one page joining timetable, absences, lateness, exemptions
and discipline for the people allowed to see it; the conduct-mark suggestion computed from that
record by the establishment's rule (validated by a person into `grades.ConductMark`); mass mailing
to families (e-mail, SMS, printable PDF letters) from templates with placeholders.

It composes `attendance`, `discipline`, `timetable` and `grades`; nothing imports it."""
