"""Report-card pages: generate (staff and main teachers), follow a batch, a class's cards, the
family's cards, one card as a web page and as PDF, and the public verification page."""

from __future__ import annotations

import importlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from carnet.core.errors import DomainError
from carnet.identity.sessions import client_ip
from carnet.reportcards import codes, policies, services
from carnet.reportcards.models import ReportCard, ReportCardBatch
from carnet.reportcards.selectors import download_name, verify_throttle, with_latest
from carnet.school.models import Enrollment, Period
from carnet.school.roles import current_enrollment_q, roles_of


def _radar_svg(content: dict):
    """The radar of the card via carnet.ui.charts.radar_svg (when the design system has it)."""
    radar = content.get("radar") or {}
    if len(radar.get("axes") or []) < 3:
        return None
    try:
        charts = importlib.import_module("carnet.ui.charts")
    except ImportError:
        return None
    student = content["student"]
    return charts.radar_svg(
        axes=radar["axes"],
        series=[(_("Élève"), radar["student"]), (_("Moyenne de la classe"), radar["class"])],
        maximum=20,
        title=_("Moyennes de %(name)s comparées à celles de la classe") % {"name": f"{student['first_name']} {student['last_name']}"},
        size=300,
    )


def _current_period(periods: list[Period]) -> Period | None:
    today = timezone.localdate()
    started = [p for p in periods if p.starts_on <= today]
    return started[-1] if started else (periods[0] if periods else None)


# --- generating -----------------------------------------------------------------------------------
class GenerateForm(forms.Form):
    periode = forms.ChoiceField(label=gettext_lazy("Période"))
    cible = forms.ChoiceField(label=gettext_lazy("Bulletins de"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.classes = list(policies.classes_publishable_by(actor).order_by("establishment__name", "level__rank", "name"))
        establishment_ids = {c.establishment_id for c in self.classes}
        self.periods = list(
            Period.objects.filter(establishment_id__in=establishment_ids, school_year__is_current=True)
            .select_related("establishment", "school_year")
            .order_by("establishment__name", "number")
        )
        several = len(establishment_ids) > 1
        self.fields["periode"].choices = [
            (str(p.public_id), f"{p.name} ({p.school_year.name})" + (f" · {p.establishment.name}" if several else ""))
            for p in self.periods
        ]
        current = _current_period(self.periods)
        if current is not None:
            self.fields["periode"].initial = str(current.public_id)
        heads = {c.establishment for c in self.classes if policies.can_publish_establishment(actor, c.establishment)}
        choices = [
            (f"etablissement-{e.public_id}", _("Tout l'établissement") + (f" ({e.name})" if several else ""))
            for e in sorted(heads, key=lambda e: e.name)
        ]
        choices += [(str(c.public_id), c.name + (f" · {c.establishment.name}" if several else "")) for c in self.classes]
        self.fields["cible"].choices = choices

    def target(self):
        value = self.cleaned_data["cible"]
        if value.startswith("etablissement-"):
            return None
        return next(c for c in self.classes if str(c.public_id) == value)

    def period(self) -> Period:
        value = self.cleaned_data["periode"]
        return next(p for p in self.periods if str(p.public_id) == value)


def _family_cards(actor):
    return (
        with_latest(policies.family_cards_of(actor))
        .select_related("period__school_year", "school_class", "student", "establishment")
        .order_by("student__first_name", "student_id", "-period__school_year__starts_on", "-period__number", "-version")
    )


def _group_family(cards) -> list[dict]:
    """[{student, periods: [{period, card (latest), older: [cards]}]}]"""
    children: dict[int, dict] = {}
    for card in cards:
        child = children.setdefault(card.student_id, {"student": card.student, "periods": {}})
        entry = child["periods"].setdefault(card.period_id, {"period": card.period, "card": None, "older": []})
        if entry["card"] is None:
            entry["card"] = card
        else:
            entry["older"].append(card)
    return [{"student": c["student"], "periods": list(c["periods"].values())} for c in children.values()]


@never_cache
def index(request):
    actor = request.user
    roles = roles_of(actor)
    form = None
    if policies.classes_publishable_by(actor).exists():
        form = GenerateForm(request.POST or None, actor=actor)
        if request.method == "POST" and form.is_valid():
            school_class = form.target()
            period = form.period()
            scope = ReportCardBatch.Scope.CLASS if school_class else ReportCardBatch.Scope.ESTABLISHMENT
            try:
                batch = services.start_batch(actor=actor, period=period, scope=scope, school_class=school_class)
            except DomainError as error:
                messages.error(request, str(error.message))
            else:
                return redirect("reportcards:batch", batch_id=batch.public_id)
    elif request.method == "POST":
        raise DjangoPermissionDenied
    readable = list(
        policies.classes_readable_by(actor)
        .filter(school_year__is_current=True)
        .select_related("establishment", "level")
        .order_by("establishment__name", "level__rank", "name")
    )
    periods_by_est: dict[int, list[Period]] = {}
    if readable:
        for period in Period.objects.filter(
            establishment_id__in={c.establishment_id for c in readable}, school_year__is_current=True
        ).order_by("number"):
            periods_by_est.setdefault(period.establishment_id, []).append(period)
    class_rows = [
        {"school_class": c, "periods": periods_by_est.get(c.establishment_id, [])} for c in readable
    ]
    family = _group_family(_family_cards(actor)) if (roles.is_student or roles.is_guardian) else []
    batches = list(
        policies.batches_visible_to(actor).select_related("period", "school_class", "establishment")[:5]
    ) if form is not None else []
    return render(
        request,
        "reportcards/index.html",
        {
            "form": form,
            "class_rows": class_rows,
            "family": family,
            "is_family": roles.is_student or roles.is_guardian,
            "is_student": roles.is_student,
            "batches": batches,
        },
        status=422 if form is not None and form.is_bound and not form.is_valid() else 200,
    )


@never_cache
def mine(request):
    roles = roles_of(request.user)
    if not (roles.is_student or roles.is_guardian):
        raise Http404
    return render(
        request,
        "reportcards/mine.html",
        {"family": _group_family(_family_cards(request.user)), "is_student": roles.is_student},
    )


@never_cache
def batch(request, batch_id):
    item = get_object_or_404(
        policies.batches_visible_to(request.user).select_related("period", "school_class", "establishment", "student"),
        public_id=batch_id,
    )
    context = {"batch": item, "summary": services.batch_summary(item), "finished": item.status in ("done", "failed")}
    if request.htmx:
        return render(request, "reportcards/batch.html#progress", context)
    return render(request, "reportcards/batch.html", context)


@never_cache
def class_cards(request, class_id, period_id):
    school_class = get_object_or_404(
        policies.classes_readable_by(request.user).select_related("establishment", "school_year", "level"), public_id=class_id
    )
    period = get_object_or_404(Period.objects.filter(school_year_id=school_class.school_year_id), public_id=period_id)
    periods = list(Period.objects.filter(school_year_id=school_class.school_year_id).order_by("number"))
    cards = list(
        with_latest(ReportCard.objects.filter(school_class=school_class, period=period))
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student_id", "-version")
    )
    by_student: dict[int, dict] = {}
    for card in cards:
        row = by_student.setdefault(card.student_id, {"student": card.student, "card": card, "older": []})
        if row["card"] is not card:
            row["older"].append(card)
    enrolled = (
        Enrollment.objects.filter(current_enrollment_q(), school_class=school_class)
        .select_related("student")
        .order_by("student__last_name", "student__first_name")
    )
    for enrollment in enrolled:
        by_student.setdefault(enrollment.student_id, {"student": enrollment.student, "card": None, "older": []})
    rows = sorted(by_student.values(), key=lambda r: (r["student"].last_name.lower(), r["student"].first_name.lower()))
    return render(
        request,
        "reportcards/class.html",
        {
            "school_class": school_class,
            "period": period,
            "periods": periods,
            "rows": rows,
            "published": sum(1 for r in rows if r["card"]),
            "can_publish": policies.can_publish(request.user, school_class),
        },
    )


@require_POST
def publish_student(request, class_id, period_id, student_id):
    """Re-issue one student's card (a batch of one), from the class page."""
    school_class = get_object_or_404(policies.classes_readable_by(request.user), public_id=class_id)
    period = get_object_or_404(Period.objects.filter(school_year_id=school_class.school_year_id), public_id=period_id)
    enrollment = get_object_or_404(
        Enrollment.objects.filter(school_class=school_class).select_related("student"), student__public_id=student_id
    )
    try:
        item = services.start_batch(
            actor=request.user, period=period, scope=ReportCardBatch.Scope.STUDENT, student=enrollment.student
        )
    except DomainError as error:
        if error.status == 403:
            raise DjangoPermissionDenied from None
        messages.error(request, str(error.message))
        return redirect("reportcards:class", class_id=school_class.public_id, period_id=period.public_id)
    return redirect("reportcards:batch", batch_id=item.public_id)


@require_POST
def publish_class(request, class_id, period_id):
    school_class = get_object_or_404(policies.classes_readable_by(request.user), public_id=class_id)
    period = get_object_or_404(Period.objects.filter(school_year_id=school_class.school_year_id), public_id=period_id)
    try:
        item = services.start_batch(
            actor=request.user, period=period, scope=ReportCardBatch.Scope.CLASS, school_class=school_class
        )
    except DomainError as error:
        if error.status == 403:
            raise DjangoPermissionDenied from None
        messages.error(request, str(error.message))
        return redirect("reportcards:class", class_id=school_class.public_id, period_id=period.public_id)
    return redirect("reportcards:batch", batch_id=item.public_id)


def _card(request, card_id) -> ReportCard:
    return get_object_or_404(
        with_latest(policies.cards_visible_to(request.user)).select_related(
            "establishment", "period", "school_class", "student", "published_by"
        ),
        public_id=card_id,
    )


@never_cache
def detail(request, card_id):
    card = _card(request, card_id)
    content = card.content
    latest = None
    if card.latest_version and card.latest_version > card.version:
        latest = ReportCard.objects.filter(period_id=card.period_id, student_id=card.student_id, version=card.latest_version).first()
    return render(
        request,
        "reportcards/detail.html",
        {
            "card": card,
            "content": content,
            "latest": latest,
            "code": codes.formatted(card.verification_code),
            "verify_url": request.build_absolute_uri(reverse("reportcards:verify", args=[codes.formatted(card.verification_code)])),
            "radar": _radar_svg(content),
            "is_benin": content.get("country") == "BJ",
            "can_view_class": policies.classes_readable_by(request.user).filter(pk=card.school_class_id).exists(),
        },
    )


@require_GET
def download(request, card_id):
    card = _card(request, card_id)
    try:
        handle = card.pdf.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=download_name(card), content_type="application/pdf")


# --- public verification --------------------------------------------------------------------------
@login_not_required
@never_cache
def verify(request, code: str | None = None):
    typed = request.GET.get("code", "")
    if code is None and typed:
        normalized = codes.normalize(typed)
        if normalized:
            return redirect("reportcards:verify", code=codes.formatted(normalized))
        return render(request, "reportcards/verify.html", {"typed": typed, "invalid": True}, status=404)
    if code is None:
        return render(request, "reportcards/verify.html", {})
    wait = verify_throttle().hit(client_ip(request) or "unknown")
    if wait:
        response = render(request, "reportcards/verify.html", {"typed": code, "limited": True, "wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    normalized = codes.normalize(code)
    card = None
    if normalized:
        card = (
            with_latest(ReportCard.objects.filter(verification_code=normalized))
            .select_related("establishment", "period__school_year", "school_class", "student")
            .first()
        )
    if card is None:
        return render(request, "reportcards/verify.html", {"typed": code, "unknown": True}, status=404)
    if normalized and code != codes.formatted(normalized):
        return redirect("reportcards:verify", code=codes.formatted(normalized))
    return render(
        request,
        "reportcards/verify.html",
        {
            "card": card,
            "content": card.content,
            "code": codes.formatted(card.verification_code),
            "superseded": bool(getattr(card, "latest_version", None) and card.latest_version > card.version),  # type: ignore[attr-defined]
            "typed": code,
        },
    )
