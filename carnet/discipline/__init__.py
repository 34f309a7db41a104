"""Discipline: incidents (when, where, what, who was involved and in which part, how serious),
the establishment's catalogues of punishments and sanctions, the measures decided for students and
their follow-up, what guardians see and are told, and the retention rule that removes a measure
from the student's record when its time has passed.

It does not own absences (`attendance`) nor the conduct mark (`grades`)."""
