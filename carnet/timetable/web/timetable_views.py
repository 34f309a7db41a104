"""Week and day views: one's own timetable (/emploi-du-temps/: a student's, a teacher's, a guardian's
child's), and for the staff any class's, teacher's or room's of their establishment.

`?date=AAAA-MM-JJ` picks the week (or the day with `?vue=jour`); the arrows load the next week
through htmx (the `timetable` partial) and push the address, so that the back button and a reload
show the same week. Every page reads through `selectors.week_for` / `selectors.day_for`: a constant
number of queries whatever the number of sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from carnet.core.http import uuid_or_404
from carnet.school.family import remembered_child, wanted_child
from carnet.school.models import Enrollment, Establishment, SchoolClass
from carnet.school.policies import children_of, classes_taught_by
from carnet.school.roles import current_enrollment_q, roles_of
from carnet.timetable import policies, selectors
from carnet.timetable.models import Resource, Slot
from carnet.timetable.weeks import local_today

User = get_user_model()

DAY, WEEK = "jour", "semaine"


# --- shared helpers -------------------------------------------------------------------------------
def parse_day(text: str | None, default: dt.date) -> dt.date:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


@dataclass
class Page:
    """What the week/day template needs beside the week itself."""

    title: str
    eyebrow: str = ""
    keep: dict[str, str] = field(default_factory=dict)  # query parameters kept by the links (child)
    tabs: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    show_teacher: bool = True
    show_audience: bool = True
    show_room: bool = True

    def query(self, **values) -> str:
        return "?" + urlencode({**self.keep, **{k: v for k, v in values.items() if v}})


def render_timetable(request, page: Page, *, target: dict, establishment=None, today: dt.date | None = None):
    """The week (or, with ?vue=jour, the day) of `target` as the page or, for htmx, its partial."""
    today = today or local_today(establishment)
    mode = DAY if request.GET.get("vue") == DAY else WEEK
    day = parse_day(request.GET.get("date"), today)
    context: dict[str, Any] = {"page": page, "mode": mode, "today": today, "day": day}
    if mode == DAY:
        context["day_view"] = selectors.day_for(
            request.user, day=day, today=today, establishment=establishment, **target
        )
        context["previous"] = page.query(date=(day - dt.timedelta(days=1)).isoformat(), vue=DAY)
        context["next"] = page.query(date=(day + dt.timedelta(days=1)).isoformat(), vue=DAY)
        context["current"] = page.query(vue=DAY)
        context["other_mode"] = page.query(date=day.isoformat())
    else:
        week = selectors.week_for(
            request.user, monday=day, today=today, establishment=establishment, **target
        )
        context["week"] = week
        context["previous"] = page.query(date=week.previous_monday.isoformat())
        context["next"] = page.query(date=week.next_monday.isoformat())
        context["current"] = page.query()
        context["other_mode"] = page.query(
            date=(day if week.monday <= day <= week.sunday else week.monday).isoformat(), vue=DAY
        )
    htmx: Any = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request and htmx.target == "timetable":
        return render(request, "timetable/week.html#timetable", context)
    return render(request, "timetable/week.html", context)


# --- one's own timetable --------------------------------------------------------------------------
@require_safe
def mine(request):
    user = request.user
    roles = roles_of(user)
    kids = list(children_of(user)) if roles.is_guardian else []
    wanted = request.GET.get("child")
    child = None
    if wanted:
        child = wanted_child(request, kids, wanted)
    elif not (roles.is_student or roles.is_teacher) and kids:
        child = remembered_child(request, kids)
    elif not (roles.is_student or roles.is_teacher):
        if policies.reader_establishment_ids(roles):
            return redirect("timetable:staff_index")
        raise Http404

    tabs = []
    self_label = _("Mes cours") if roles.is_teacher else _("Mon emploi du temps")
    if kids and (roles.is_student or roles.is_teacher):
        tabs.append({"label": self_label, "query": "", "current": child is None})
    if kids and (len(kids) > 1 or tabs):
        tabs += [
            {
                "label": kid.first_name,
                "query": f"?child={kid.public_id}",
                "current": child is not None and kid.pk == child.pk,
            }
            for kid in kids
        ]
    if child is not None:
        enrollment = _enrollment(child)
        page = Page(
            title=_("Emploi du temps de %(name)s") % {"name": child.first_name},
            eyebrow=_enrollment_line(enrollment),
            keep={"child": str(child.public_id)},
            tabs=tabs,
            show_audience=False,
        )
        establishment = enrollment.establishment if enrollment else None
        target: dict[str, Any] = {"student": child}
    elif roles.is_student:
        enrollment = _enrollment(user)
        page = Page(
            title=_("Mon emploi du temps"),
            eyebrow=_enrollment_line(enrollment),
            tabs=tabs,
            show_audience=False,
        )
        establishment = enrollment.establishment if enrollment else None
        target = {"student": user}
    else:
        page = Page(title=_("Mon emploi du temps"), tabs=tabs, show_teacher=False)
        establishment = None
        target = {"teacher": user}
    page.actions.append({"label": _("Dans mon téléphone"), "url": "timetable:feed", "icon": "smartphone"})
    if policies.reader_establishment_ids(roles):
        page.actions.append(
            {
                "label": _("Emplois du temps de l'établissement"),
                "url": "timetable:staff_index",
                "icon": "building",
            }
        )
    return render_timetable(request, page, target=target, establishment=establishment)


def _enrollment(student) -> Enrollment | None:
    return (
        Enrollment.objects.filter(current_enrollment_q(), student=student)
        .select_related("school_class", "establishment")
        .first()
    )


def _enrollment_line(enrollment: Enrollment | None) -> str:
    if enrollment is None:
        return ""
    return f"{enrollment.school_class.name} · {enrollment.establishment.name}"


# --- the staff: any class, teacher or room --------------------------------------------------------
def ensure_manager(user, establishment) -> None:
    """403 for a person who sees the page but does not manage the establishment's timetable."""
    if not policies.can_manage_timetable(user, establishment):
        raise PermissionDenied


def readable_establishments(user):
    return Establishment.objects.filter(id__in=policies.reader_establishment_ids(roles_of(user))).order_by(
        "name"
    )


def pick_establishment(request, establishments: list[Establishment]) -> Establishment:
    wanted = request.GET.get("etablissement") or request.POST.get("etablissement")
    if wanted:
        chosen_id = uuid_or_404(wanted)
        chosen = next((e for e in establishments if e.public_id == chosen_id), None)
        if chosen is None:
            raise Http404
        return chosen
    if not establishments:
        raise Http404
    return establishments[0]


@require_safe
def staff_index(request):
    establishments = list(readable_establishments(request.user))
    establishment = pick_establishment(request, establishments)
    classes = list(
        SchoolClass.objects.filter(establishment=establishment, school_year__is_current=True)
        .select_related("level")
        .annotate(slot_count=Count("assignments__slots", distinct=True))
        .order_by("level__rank", "name")
    )
    teachers = list(
        selectors.establishment_teachers(establishment)
        .annotate(
            slot_count=Count(
                "assignments__slots",
                filter=Q(assignments__establishment=establishment, assignments__school_year__is_current=True),
                distinct=True,
            )
        )
        .order_by("last_name", "first_name")
    )
    rooms = list(
        Resource.objects.filter(
            establishment=establishment, kind=Resource.Kind.ROOM, is_active=True
        ).order_by("name")
    )
    context = {
        "establishment": establishment,
        "establishments": establishments,
        "multiple": len(establishments) > 1,
        "classes": classes,
        "teachers": teachers,
        "rooms": rooms,
        "can_manage": policies.can_manage_timetable(request.user, establishment),
        "slot_count": Slot.objects.filter(establishment=establishment, school_year__is_current=True).count(),
    }
    return render(request, "timetable/staff_index.html", context)


def class_or_404(user, class_id) -> SchoolClass:
    """A current class whose whole timetable `user` may open: the staff of its establishment and
    its teachers."""
    school_class = get_object_or_404(
        SchoolClass.objects.filter(school_year__is_current=True).select_related(
            "establishment", "school_year"
        ),
        public_id=class_id,
    )
    if policies.can_read_timetable(user, school_class.establishment):
        return school_class
    if classes_taught_by(user).filter(pk=school_class.pk).exists():
        return school_class
    raise Http404


@require_safe
def class_week(request, class_id):
    school_class = class_or_404(request.user, class_id)
    page = Page(
        title=_("Emploi du temps — %(name)s") % {"name": school_class.name},
        eyebrow=school_class.establishment.name,
        show_audience=False,
    )
    if policies.can_manage_timetable(request.user, school_class.establishment):
        page.actions += [
            {
                "label": _("Créneaux de la classe"),
                "url": "timetable:class_slots",
                "arg": school_class.public_id,
                "icon": "list",
            },
            {
                "label": _("Ajouter une séance"),
                "url": "timetable:extra_session",
                "arg": school_class.public_id,
                "icon": "plus",
            },
        ]
    return render_timetable(
        request, page, target={"school_class": school_class}, establishment=school_class.establishment
    )


@require_safe
def teacher_week(request, teacher_id):
    teacher = get_object_or_404(policies.teachers_visible_to(request.user), public_id=teacher_id)
    page = Page(title=_("Emploi du temps — %(name)s") % {"name": teacher.full_name}, show_teacher=False)
    return render_timetable(request, page, target={"teacher": teacher})


@require_safe
def room_week(request, room_id):
    room = get_object_or_404(
        policies.rooms_visible_to(request.user).select_related("establishment"), public_id=room_id
    )
    page = Page(
        title=_("Emploi du temps — salle %(name)s") % {"name": room.name},
        eyebrow=room.establishment.name,
        show_room=False,
    )
    return render_timetable(request, page, target={"room": room}, establishment=room.establishment)
