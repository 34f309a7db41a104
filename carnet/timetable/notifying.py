"""What the timetable tells people: a session was cancelled, restored, moved, changed room, got a
replacement teacher, or an extra session was added.

Who: the students concerned (the class's current students, or the group's members — a group without
a member list stands for its classes), their guardians (in the session's establishment) and the
teachers (the one teaching it, the assignment's, and the one replaced). The person who made the
change is not told. Nothing is sent for a session entirely in the past.

Two kinds:

- "timetable.changed": not urgent. In-app at once, push at once outside quiet hours (held for the
  digest inside them), e-mail in the daily digest. This is what a change for another day sends.
- "timetable.changed_today": `urgent=True`, for a change concerning today (the session's old or new
  day is today in the establishment's time zone). The notifications core lets an urgent kind through
  quiet hours only where the establishment allows urgent alerts
  (`EstablishmentNotificationSettings.allow_urgent_in_quiet_hours`). On top of that, the timetable's
  own setting `TimetableSettings.same_day_changes_in_quiet_hours` decides whether same-day changes
  are urgent at all: when it is off, they go out as "timetable.changed" (never through quiet
  hours). Both must say yes for a same-day change to reach someone during quiet hours."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from carnet.school.models import Enrollment, Guardianship, TeachingGroup
from carnet.school.roles import current_enrollment_q
from carnet.timetable.models import Session, SessionChange, TimetableSettings
from carnet.timetable.weeks import day_label, hhmm, local_today

User = get_user_model()

CHANGED = "timetable.changed"
CHANGED_TODAY = "timetable.changed_today"


def register() -> None:
    from carnet.notifications import kinds

    kinds.register(
        CHANGED,
        gettext_lazy("Changement d'emploi du temps"),
        description=gettext_lazy(
            "Un cours est annulé, déplacé, change de salle ou de professeur, ou un cours est ajouté."
        ),
        default_modes={"email": "digest", "push": "immediate"},
        summary=ngettext_lazy(
            "%(count)d changement d'emploi du temps", "%(count)d changements d'emploi du temps", "count"
        ),
    )
    kinds.register(
        CHANGED_TODAY,
        gettext_lazy("Changement d'emploi du temps du jour même"),
        description=gettext_lazy(
            "Un cours d'aujourd'hui est annulé, déplacé, change de salle ou de professeur. Peut arriver pendant "
            "les heures calmes si l'établissement l'autorise."
        ),
        default_modes={"email": "immediate", "push": "immediate"},
        sms_allowed=True,
        urgent=True,
        summary=ngettext_lazy(
            "%(count)d changement du jour même", "%(count)d changements du jour même", "count"
        ),
    )


def students_of(assignment) -> list[int]:
    """Ids of the students a session of `assignment` concerns (see the module docstring)."""
    if assignment.school_class_id:
        classes = [assignment.school_class_id]
        members: list[int] = []
    else:
        members = list(
            TeachingGroup.students.through.objects.filter(teachinggroup_id=assignment.group_id).values_list(
                "user_id", flat=True
            )
        )
        if members:
            return members
        classes = list(
            TeachingGroup.classes.through.objects.filter(teachinggroup_id=assignment.group_id).values_list(
                "schoolclass_id", flat=True
            )
        )
    return list(
        Enrollment.objects.filter(current_enrollment_q(), school_class_id__in=classes).values_list(
            "student_id", flat=True
        )
    )


def recipients_of(session: Session, change: SessionChange) -> list:
    """The people to tell about `change`, without the person who made it."""
    students = students_of(session.assignment)
    guardians = Guardianship.objects.filter(
        establishment_id=session.establishment_id, student_id__in=students
    ).values("guardian_id")
    teacher_ids = {session.teacher_id, session.assignment.teacher_id}
    before_teacher = (change.before or {}).get("teacher_id")
    if before_teacher:
        teacher_ids.add(before_teacher)
    people = User.objects.filter(is_active=True).filter(
        Q(id__in=students) | Q(id__in=guardians) | Q(id__in=teacher_ids)
    )
    if change.actor_id:
        people = people.exclude(id=change.actor_id)
    return list(people.order_by("id"))


def _title(session: Session, change: SessionChange) -> str:
    subject = session.assignment.subject.name
    when = {"subject": subject, "day": day_label(session.held_on), "start": hhmm(session.start_time)}
    kind = change.kind
    if kind == SessionChange.Kind.CANCELLED:
        return _("Cours annulé : %(subject)s, %(day)s à %(start)s") % when
    if kind == SessionChange.Kind.RESTORED:
        return _("Cours rétabli : %(subject)s, %(day)s à %(start)s") % when
    if kind == SessionChange.Kind.MOVED:
        return _("Cours déplacé : %(subject)s, désormais %(day)s à %(start)s") % when
    if kind == SessionChange.Kind.ROOM:
        room = session.room.name if session.room else _("sans salle")
        return _("Changement de salle : %(subject)s, %(day)s à %(start)s, salle %(room)s") % {
            **when,
            "room": room,
        }
    if kind == SessionChange.Kind.REPLACEMENT:
        return _("Remplacement : %(subject)s, %(day)s à %(start)s, avec %(teacher)s") % {
            **when,
            "teacher": session.teacher.full_name,
        }
    return _("Cours supplémentaire : %(subject)s, %(day)s à %(start)s") % when


def _body(session: Session, change: SessionChange) -> str:
    lines = []
    audience = session.assignment.school_class or session.assignment.group
    lines.append(
        _("%(subject)s, %(audience)s, %(day)s de %(start)s à %(end)s.")
        % {
            "subject": session.assignment.subject.name,
            "audience": audience.name if audience else "",
            "day": day_label(session.held_on),
            "start": hhmm(session.start_time),
            "end": hhmm(session.end_time),
        }
    )
    if change.kind == SessionChange.Kind.MOVED and change.before.get("held_on"):
        lines.append(_("Initialement : %(was)s.") % {"was": change.before.get("label", "")})
    if change.note:
        lines.append(change.note)
    return "\n".join(line for line in lines if line)


def notify_change(change_id: int) -> int:
    """Tell the people concerned about one change (called after the commit). Returns how many
    people were told."""
    from carnet.notifications.services.sending import notify

    change = (
        SessionChange.objects.select_related(
            "session__assignment__subject",
            "session__assignment__school_class",
            "session__assignment__group",
            "session__room",
            "session__teacher",
            "session__establishment",
        )
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        return 0
    session = change.session
    establishment = session.establishment
    today = local_today(establishment)
    days = {session.held_on}
    if change.before.get("held_on"):
        days.add(dt.date.fromisoformat(change.before["held_on"]))
    if max(days) < today:
        return 0
    kind = CHANGED
    if today in days:
        allowed = (
            TimetableSettings.objects.filter(establishment=establishment)
            .values_list("same_day_changes_in_quiet_hours", flat=True)
            .first()
        )
        if allowed is None:
            allowed = TimetableSettings._meta.get_field("same_day_changes_in_quiet_hours").default
        if allowed:
            kind = CHANGED_TODAY
    recipients = recipients_of(session, change)
    if not recipients:
        return 0
    title = _title(session, change)
    notify(
        recipients=recipients,
        kind=kind,
        title=title,
        body=_body(session, change),
        url=reverse("timetable:session", args=[session.public_id]),
        establishment=establishment,
        data={"session": str(session.public_id), "change": change.kind},
        sms_text=title,
    )
    return len(recipients)
