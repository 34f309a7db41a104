"""Attendance: registers taken per session (roll call), absences and lateness with their
regularisation (reasons, guardians' declarations with a document, contacts with the family),
exemptions (dispenses), alert thresholds and the watch list, and absence statistics.

It does not own sessions (`timetable`) nor discipline (`discipline`)."""
