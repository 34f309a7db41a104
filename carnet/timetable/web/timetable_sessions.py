"""One session's page (what it is, what changed, and for the staff who manage the timetable the forms
to cancel, restore, move it, change its room or its teacher), and adding an extra session to a
class. A refusal (stale version, clash, outside the year) re-shows the page with the reason and
changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from carnet.core.errors import ValidationFailed
from carnet.school.models import TeachingAssignment
from carnet.timetable import policies, selectors, services
from carnet.timetable.errors import SessionConflict, TimetableClash
from carnet.timetable.models import Resource, Session, SessionChange
from carnet.timetable.web import timetable_forms as forms
from carnet.timetable.web.timetable_views import class_or_404, ensure_manager

ACTIONS = ("cancel", "restore", "move", "room", "replacement")


def _session_or_404(user, session_id) -> Session:
    return get_object_or_404(
        policies.sessions_visible_to(user).select_related(
            *selectors.SESSION_RELATED, "establishment", "school_year"
        ),
        public_id=session_id,
    )


def _rooms(establishment):
    return Resource.objects.filter(
        establishment=establishment, kind=Resource.Kind.ROOM, is_active=True
    ).order_by("name")


def _forms(session: Session, data=None, action: str | None = None) -> dict:
    """The change forms of the page, bound to `data` for the one being submitted."""
    initial = {"version": session.version}
    built = {
        "cancel": forms.CancelForm(data if action == "cancel" else None, initial=initial, prefix="cancel"),
        "restore": forms.RestoreForm(
            data if action == "restore" else None, initial=initial, prefix="restore"
        ),
        "move": forms.MoveForm(
            data if action == "move" else None,
            prefix="move",
            initial={
                **initial,
                "held_on": session.held_on,
                "start_time": session.start_time,
                "end_time": session.end_time,
            },
        ),
        "room": forms.RoomForm(
            data if action == "room" else None,
            prefix="room",
            rooms=_rooms(session.establishment),
            initial={**initial, "room": session.room_id},
        ),
        "replacement": forms.ReplacementForm(
            data if action == "replacement" else None,
            prefix="replacement",
            teachers=selectors.establishment_teachers(session.establishment).order_by(
                "last_name", "first_name"
            ),
            initial={**initial, "teacher": session.teacher_id},
        ),
    }
    return built


def _page(
    request,
    session: Session,
    *,
    change_forms: dict | None = None,
    status: int = 200,
    error: str = "",
    open_action: str = "",
):
    changes = list(
        SessionChange.objects.filter(session=session).select_related("actor").order_by("-created_at", "-id")
    )
    view = selectors.session_view(session, changes)
    can_manage = policies.can_manage_timetable(request.user, session.establishment)
    day = session.held_on.isoformat()
    school_class = session.assignment.school_class
    if school_class is not None and policies.can_read_timetable(request.user, session.establishment):
        week_url = f"{reverse('timetable:class_week', args=[school_class.public_id])}?date={day}"
    elif policies.can_read_timetable(request.user, session.establishment):
        week_url = f"{reverse('timetable:teacher_week', args=[session.teacher.public_id])}?date={day}"
    else:
        week_url = f"{reverse('timetable:mine')}?date={day}"
    context = {
        "week_url": week_url,
        "session": session,
        "view": view,
        "changes": changes,
        "can_manage": can_manage,
        "forms": (change_forms or _forms(session)) if can_manage else {},
        "error": error,
        "open_action": open_action,
        "audience": session.assignment.school_class or session.assignment.group,
    }
    return render(request, "timetable/session.html", context, status=status)


@require_safe
def session_page(request, session_id):
    session = _session_or_404(request.user, session_id)
    return _page(request, session)


@require_POST
def change_session(request, session_id, action: str):
    session = _session_or_404(request.user, session_id)
    if action not in ACTIONS:
        return redirect("timetable:session", session_id=session.public_id)
    ensure_manager(request.user, session.establishment)
    change_forms = _forms(session, request.POST, action)
    form = change_forms[action]
    if not form.is_valid():
        return _page(request, session, change_forms=change_forms, status=422, open_action=action)
    data = form.cleaned_data
    common = {
        "actor": request.user,
        "session": session,
        "expected_version": data["version"],
        "message": data["message"],
    }
    try:
        if action == "cancel":
            services.cancel_session(**common)
            done = _("Séance annulée ; les élèves, les familles et les enseignants sont prévenus.")
        elif action == "restore":
            services.restore_session(**common)
            done = _("Séance rétablie ; les personnes concernées sont prévenues.")
        elif action == "move":
            services.move_session(
                **common, held_on=data["held_on"], start_time=data["start_time"], end_time=data["end_time"]
            )
            done = _("Séance déplacée ; les personnes concernées sont prévenues.")
        elif action == "room":
            services.change_room(**common, room=data["room"])
            done = _("Salle changée ; les personnes concernées sont prévenues.")
        else:
            services.replace_teacher(**common, teacher=data["teacher"])
            done = _("Enseignant changé ; les personnes concernées sont prévenues.")
    except SessionConflict as exc:
        fresh = _session_or_404(request.user, session_id)
        return _page(request, fresh, status=409, error=str(exc.message), open_action=action)
    except (TimetableClash, ValidationFailed) as exc:
        form.add_error(None, str(exc.message))
        status = 409 if isinstance(exc, TimetableClash) else 422
        return _page(request, session, change_forms=change_forms, status=status, open_action=action)
    messages.success(request, done)
    return redirect("timetable:session", session_id=session.public_id)


@require_http_methods(["GET", "POST"])
def extra_session(request, class_id):
    school_class = class_or_404(request.user, class_id)
    ensure_manager(request.user, school_class.establishment)
    assignments = class_assignments(school_class)
    form = forms.ExtraSessionForm(
        request.POST or None, assignments=assignments, rooms=_rooms(school_class.establishment)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.add_extra_session(
                    actor=request.user,
                    assignment=data["assignment"],
                    held_on=data["held_on"],
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                    room=data["room"],
                    message=data["message"],
                )
            except (TimetableClash, ValidationFailed) as exc:
                form.add_error(None, str(exc.message))
                status = 409 if isinstance(exc, TimetableClash) else 422
            else:
                messages.success(request, _("Séance ajoutée ; les personnes concernées sont prévenues."))
                return redirect("timetable:session", session_id=session.public_id)
        else:
            status = 422
    return render(
        request, "timetable/extra_session.html", {"school_class": school_class, "form": form}, status=status
    )


def class_assignments(school_class):
    """The current assignments given to the class or to a group attached to it."""
    return (
        TeachingAssignment.objects.filter(
            establishment_id=school_class.establishment_id, school_year__is_current=True
        )
        .filter(policies.class_audience_q([school_class.pk], prefix=""))
        .select_related("subject", "school_class", "group", "teacher")
        .order_by("subject__name", "group__name", "teacher__last_name")
    )
