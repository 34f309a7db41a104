"""What attendance does when the timetable changes a session: a cancelled session loses the
absences and lateness its register made; a moved one keeps them at its new time (episodes are
recomputed from the registers of the day). Absences that staff already regularised are kept, as
when a register is corrected (see `services.episodes`)."""

from __future__ import annotations

from carnet.attendance.models import Absence, Lateness, Register


def on_session_changed(sender, *, session, kind, actor=None, **kwargs) -> None:
    from carnet.attendance.services.episodes import sync_session

    touched = (
        Register.objects.filter(session=session).exists()
        or Absence.objects.filter(sessions=session).exists()
        or Lateness.objects.filter(session=session).exists()
    )
    if touched:
        sync_session(session=session, actor=actor)


def connect() -> None:
    from carnet.timetable.signals import session_changed

    session_changed.connect(on_session_changed, dispatch_uid="attendance.on_session_changed")
