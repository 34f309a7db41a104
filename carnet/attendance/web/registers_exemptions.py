"""Exemption pages: the school-life list per class (/vie-scolaire/dispenses/), the form to create or
change one with its certificate, ending and deleting it, a student's exemptions for the student and
guardians (/dispenses/eleve/<student>/) and the certificate download.

Readers (school-life staff and the secretary) see the list; only school-life staff write. The
certificate goes only to school-life staff, the student and the student's guardians: anyone else
gets 404, as for a missing file."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.attendance import register_policies as policies
from carnet.attendance.models import Exemption
from carnet.attendance.services import exemptions as service
from carnet.attendance.services.episodes import local_today
from carnet.core.errors import DomainError, ValidationFailed
from carnet.core.http import uuid_or_404
from carnet.core.uploads import ACCEPT_ATTRIBUTE
from carnet.school.models import Enrollment, Establishment, SchoolClass, Subject
from carnet.school.roles import current_enrollment_q
from carnet.timetable.models import Weekday

User = get_user_model()


# --- helpers --------------------------------------------------------------------------------------
def weekdays_label(exemption: Exemption) -> str:
    if not exemption.weekdays:
        return ""
    names = dict(Weekday.choices)
    return ", ".join(str(names[day]).lower() for day in exemption.weekdays if day in names)


def current_exemptions(user, student) -> list[Exemption]:
    """The student's exemptions still running or to come, that `user` may see. One query."""
    return list(
        policies.exemptions_visible_to(user)
        .filter(student=student, ends_on__gte=timezone.localdate())
        .select_related("subject")
        .order_by("starts_on", "id")
    )


def _establishment(request) -> Establishment:
    """The establishment whose exemptions the page shows: `?etablissement=` among the person's,
    else the first."""
    ids = policies.exemption_reader_establishment_ids(request.user)
    if not ids:
        raise Http404
    wanted = request.GET.get("etablissement") or request.POST.get("etablissement")
    if wanted:
        establishment = Establishment.objects.filter(public_id=uuid_or_404(wanted), id__in=ids).first()
        if establishment is None:
            raise Http404
        return establishment
    return Establishment.objects.get(pk=ids[0])




def _classes(establishment: Establishment):
    return SchoolClass.objects.filter(establishment=establishment, school_year__is_current=True).order_by(
        "level__rank", "name"
    )


def _managed_exemption(request, exemption_id) -> Exemption:
    exemption = get_object_or_404(
        policies.exemptions_visible_to(request.user).select_related("establishment", "student", "subject"),
        public_id=exemption_id,
    )
    if not policies.can_manage_exemptions(request.user, exemption.establishment_id):
        raise Http404
    return exemption


# --- the list -------------------------------------------------------------------------------------
@require_GET
def exemptions(request):
    """Exemptions of one establishment, running or to come (`?tout=1`: past ones too), optionally
    for one class (`?classe=`). Four queries whatever the number of exemptions."""
    establishment = _establishment(request)
    classes = list(_classes(establishment))
    chosen = None
    class_id = request.GET.get("classe")
    if class_id:
        chosen = next((c for c in classes if str(c.public_id) == class_id), None)
        if chosen is None:
            raise Http404
    show_all = request.GET.get("tout") == "1"
    rows = policies.exemptions_visible_to(request.user).filter(establishment=establishment)
    if not show_all:
        rows = rows.filter(ends_on__gte=local_today(establishment))
    enrollments = Enrollment.objects.filter(current_enrollment_q(), establishment=establishment)
    if chosen is not None:
        rows = rows.filter(student_id__in=enrollments.filter(school_class=chosen).values("student_id"))
    rows = list(
        rows.select_related("student", "subject").order_by(
            "student__last_name", "student__first_name", "starts_on"
        )
    )
    class_of = dict(
        enrollments.filter(student_id__in=[r.student_id for r in rows]).values_list(
            "student_id", "school_class__name"
        )
    )
    items = [
        {"exemption": r, "class_name": class_of.get(r.student_id, ""), "days": weekdays_label(r)}
        for r in rows
    ]
    return render(
        request,
        "attendance/exemptions/list.html",
        {
            "establishment": establishment,
            "classes": classes,
            "chosen": chosen,
            "show_all": show_all,
            "items": items,
            "can_manage": policies.can_manage_exemptions(request.user, establishment),
            "several": len(policies.exemption_reader_establishment_ids(request.user)) > 1,
            "establishments": Establishment.objects.filter(
                id__in=policies.exemption_reader_establishment_ids(request.user)
            ),
        },
    )


# --- the form -------------------------------------------------------------------------------------
class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ExemptionForm(forms.Form):
    subject = forms.ModelChoiceField(
        label=gettext_lazy("Matière"),
        queryset=Subject.objects.none(),
        error_messages={
            "required": gettext_lazy("Choisissez la matière."),
            "invalid_choice": gettext_lazy("Choisissez la matière."),
        },
    )
    starts_on = forms.DateField(
        label=gettext_lazy("Du"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Indiquez le premier jour."),
            "invalid": gettext_lazy("Date invalide."),
        },
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Au"),
        widget=DateInput(),
        help_text=gettext_lazy("Le même jour pour une dispense ponctuelle."),
        error_messages={
            "required": gettext_lazy("Indiquez le dernier jour."),
            "invalid": gettext_lazy("Date invalide."),
        },
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Seulement certains jours"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(value, label) for value, label in Weekday.choices if value < 6],
        help_text=gettext_lazy("Rien de coché : tous les cours de la matière entre ces deux dates."),
    )
    must_attend = forms.BooleanField(
        label=gettext_lazy("L'élève doit tout de même venir en cours"),
        required=False,
        initial=True,
    )
    reason = forms.CharField(label=gettext_lazy("Motif"), required=False, max_length=service.REASON_MAX)
    certificate = forms.FileField(
        label=gettext_lazy("Certificat"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=gettext_lazy(
            "PDF, JPEG, PNG ou WebP, 5 Mo au plus. Visible seulement de la vie scolaire, de l'élève et de ses responsables."
        ),
    )
    remove_certificate = forms.BooleanField(
        label=gettext_lazy("Retirer le certificat actuel"), required=False
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": gettext_lazy("La page est incomplète : rechargez-la avant de recommencer."),
            "invalid": gettext_lazy("La page est incomplète : rechargez-la avant de recommencer."),
            "min_value": gettext_lazy("La page est incomplète : rechargez-la avant de recommencer."),
        },
    )

    def __init__(self, *args, establishment, editing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.filter(establishment=establishment).order_by("name")  # type: ignore[attr-defined]
        self.fields["certificate"].widget = forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE})
        if not editing:
            del self.fields["remove_certificate"]
            del self.fields["version"]

    def values(self) -> dict:
        c = self.cleaned_data
        return {k: c[k] for k in ("subject", "starts_on", "ends_on", "weekdays", "must_attend", "reason")}

    def add_domain_error(self, error: DomainError) -> None:
        details = error.details if isinstance(error.details, dict) else {}
        placed = False
        for field, message in details.items():
            if field in self.fields:
                self.add_error(field, str(message))
                placed = True
        if not placed:
            self.add_error(None, str(error.message))


def _students_of_class(school_class: SchoolClass):
    return User.objects.filter(
        id__in=Enrollment.objects.filter(current_enrollment_q(), school_class=school_class).values(
            "student_id"
        ),
        is_active=True,
    ).order_by("last_name", "first_name")


@require_http_methods(["GET", "POST"])
def exemption_new(request):
    """New exemption: pick the class (`?classe=`), then the student (`eleve`), then the details."""
    establishment = _establishment(request)
    if not policies.can_manage_exemptions(request.user, establishment):
        raise Http404
    classes = list(_classes(establishment))
    source = request.POST if request.method == "POST" else request.GET
    chosen = next((c for c in classes if str(c.public_id) == source.get("classe")), None)
    students = list(_students_of_class(chosen)) if chosen else []
    student = next((s for s in students if str(s.public_id) == source.get("eleve")), None)
    form = ExemptionForm(
        request.POST or None,
        request.FILES or None,
        establishment=establishment,
        editing=False,
        initial={
            "starts_on": local_today(establishment),
            "ends_on": local_today(establishment),
            "must_attend": True,
        },
    )
    student_error = None
    if request.method == "POST":
        if student is None:
            student_error = _("Choisissez l'élève.")
        elif form.is_valid():
            try:
                exemption = service.create_exemption(
                    actor=request.user,
                    establishment=establishment,
                    student=student,
                    values=form.values(),
                    certificate=form.cleaned_data.get("certificate"),
                )
            except ValidationFailed as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request,
                    _("Dispense enregistrée pour %(name)s en %(subject)s.")
                    % {"name": student.full_name, "subject": exemption.subject.name},
                )
                return redirect(f"{reverse('attendance:exemptions')}?classe={chosen.public_id}")
    return render(
        request,
        "attendance/exemptions/form.html",
        {
            "form": form,
            "establishment": establishment,
            "classes": classes,
            "chosen": chosen,
            "students": students,
            "student": student,
            "student_error": student_error,
            "exemption": None,
        },
        status=422 if request.method == "POST" else 200,
    )


def _initial(exemption: Exemption) -> dict:
    return {
        "subject": exemption.subject,
        "starts_on": exemption.starts_on,
        "ends_on": exemption.ends_on,
        "weekdays": exemption.weekdays,
        "must_attend": exemption.must_attend,
        "reason": exemption.reason,
        "version": exemption.version,
    }


@require_http_methods(["GET", "POST"])
def exemption_edit(request, exemption_id):
    """Change an exemption. The form carries the version it showed: when someone saved since,
    nothing is saved and the form comes back (409) with what the person typed, the exemption as it
    is now beside it, and the new version, so that saving again is a choice made knowingly."""
    exemption = _managed_exemption(request, exemption_id)
    form = ExemptionForm(
        request.POST or None,
        request.FILES or None,
        establishment=exemption.establishment,
        editing=True,
        initial=_initial(exemption),
    )
    conflict = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                service.update_exemption(
                    actor=request.user,
                    exemption=exemption,
                    values=form.values(),
                    certificate=form.cleaned_data.get("certificate"),
                    remove_certificate=form.cleaned_data.get("remove_certificate", False),
                    expected_version=form.cleaned_data["version"],
                )
            except service.ExemptionConflict as error:
                conflict = str(error.message)
                status = 409
                exemption = _managed_exemption(request, exemption_id)
                data = request.POST.copy()
                data["version"] = str(exemption.version)
                form = ExemptionForm(
                    data, establishment=exemption.establishment, editing=True, initial=_initial(exemption)
                )
            except ValidationFailed as error:
                form.add_domain_error(error)
                exemption.refresh_from_db()
            else:
                messages.success(request, _("Dispense modifiée."))
                return redirect("attendance:exemptions")
    return render(
        request,
        "attendance/exemptions/form.html",
        {
            "form": form,
            "establishment": exemption.establishment,
            "exemption": exemption,
            "student": exemption.student,
            "today": local_today(exemption.establishment),
            "conflict": conflict,
            "current_days": weekdays_label(exemption) if conflict else "",
        },
        status=status,
    )


@require_POST
def exemption_end(request, exemption_id):
    exemption = _managed_exemption(request, exemption_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        service.end_exemption(actor=request.user, exemption=exemption, expected_version=version)
    except (ValidationFailed, service.ExemptionConflict) as error:
        messages.error(request, str(error.message))
        return redirect("attendance:exemption_edit", exemption_id=exemption.public_id)
    messages.success(request, _("La dispense prend fin aujourd'hui."))
    return redirect("attendance:exemptions")


@require_POST
def exemption_delete(request, exemption_id):
    exemption = _managed_exemption(request, exemption_id)
    service.delete_exemption(actor=request.user, exemption=exemption)
    messages.success(request, _("Dispense supprimée."))
    return redirect("attendance:exemptions")


# --- for the student and guardians ----------------------------------------------------------------
@require_GET
def student_exemptions(request, student_id):
    """A student's exemptions (current and past), for the student, guardians and school staff."""
    student = get_object_or_404(User, public_id=student_id, is_active=True)
    if not policies.can_view_student_exemptions(request.user, student):
        raise Http404
    rows = list(
        policies.exemptions_visible_to(request.user)
        .filter(student=student)
        .select_related("subject", "establishment")
        .order_by("-starts_on", "id")
    )
    today = timezone.localdate()
    items = [
        {
            "exemption": r,
            "days": weekdays_label(r),
            "current": r.starts_on <= today <= r.ends_on,
            "past": r.ends_on < today,
            "can_download": bool(r.certificate) and policies.can_download_certificate(request.user, r),
        }
        for r in rows
    ]
    return render(
        request,
        "attendance/exemptions/student.html",
        {"student": student, "items": items, "is_self": student.pk == request.user.pk},
    )


@require_GET
def exemption_certificate(request, exemption_id):
    exemption = get_object_or_404(policies.exemptions_visible_to(request.user), public_id=exemption_id)
    if not exemption.certificate or not policies.can_download_certificate(request.user, exemption):
        raise Http404
    try:
        handle = exemption.certificate.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=exemption.certificate_name or "certificat",
        content_type=exemption.certificate_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
