"""Students, their enrollment in the current year and their guardians.

A student is recognised by the matricule (INE or EducMaster number) of any of their enrollments in
the establishment, else by name and birth date. A guardian is recognised by telephone or e-mail
(with the same first name: a household often shares one telephone), else by name among the
student's own guardians, else, when the file gives no contact at all, by name among the
establishment's guardians. Nothing is deleted: a student or guardian absent from the file stays."""

from carnet.school.imports.students.lines import COLUMNS
from carnet.school.imports.students.validation import validate
from carnet.school.imports.students.writing import apply

__all__ = ["COLUMNS", "apply", "validate"]
