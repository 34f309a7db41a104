"""The assessment form (create, edit) and its actions: duplicate to other classes, delete with a
confirmation that says how many marks go with it, publish now.

Each view fetches through a scope (`assignments_editable_by`, `assessments_editable_by`: anything
else is 404), calls one service and turns its French refusals into form errors."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carnet.audit.models import AuditEvent
from carnet.core import errors
from carnet.core.http import uuid_or_404
from carnet.grades import policies
from carnet.grades.models import Assessment, AssessmentKind, CustomAssessmentKind, Mark
from carnet.grades.profiles import profile_for
from carnet.grades.services import assessments as service
from carnet.grades.services.publication import DEFAULT_DAILY_TIME
from carnet.grades.web.teacher import data
from carnet.school.models import Period, TeachingAssignment

CUSTOM = "custom:"


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class AssessmentForm(forms.Form):
    """The fields of an assessment. Decimal fields accept "0,5" and "0.5"; the service checks the
    rules (date in the period, scale 1..100, coefficient > 0) and its messages land on the fields."""

    title = forms.CharField(
        label=gettext_lazy("Titre"), max_length=120,
        error_messages={"required": gettext_lazy("Donnez un titre à l'évaluation.")},
    )
    period = forms.ChoiceField(label=gettext_lazy("Période"))
    held_on = forms.DateField(
        label=gettext_lazy("Date"), widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Indiquez la date de l'évaluation."),
            "invalid": gettext_lazy("Date invalide : choisissez un jour dans le calendrier (jj/mm/aaaa)."),
        },
    )
    kind = forms.ChoiceField(label=gettext_lazy("Type"))
    scale = forms.CharField(
        label=gettext_lazy("Noté sur"), initial="20", max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Le barème doit être un nombre entre 1 et 100 (par exemple 20).")},
    )
    coefficient = forms.CharField(
        label=gettext_lazy("Coefficient"), initial="1", max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": gettext_lazy("Le coefficient doit être un nombre strictement positif (par exemple 1 ou 0,5).")
        },
    )
    is_bonus = forms.BooleanField(
        label=gettext_lazy("Bonus : ne compte que si elle fait monter la moyenne"), required=False,
    )
    description = forms.CharField(
        label=gettext_lazy("Consignes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Facultatif : le programme, le matériel autorisé…"),
    )
    publication = forms.ChoiceField(
        label=gettext_lazy("Publication aux élèves et aux familles"), widget=forms.RadioSelect,
        initial=Assessment.Publication.NOW,
    )
    publish_at = forms.DateTimeField(
        label=gettext_lazy("Date et heure de publication"), required=False, widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        help_text=gettext_lazy("Seulement pour « À une date et une heure »."),
        error_messages={"invalid": gettext_lazy("Date et heure invalides.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, establishment, periods: list[Period], **kwargs):
        super().__init__(*args, **kwargs)
        self.establishment = establishment
        self.periods = {str(p.public_id): p for p in periods}
        _choice(self, "period").choices = [(str(p.public_id), p.name) for p in periods]
        self.custom_kinds = {str(k.public_id): k for k in CustomAssessmentKind.objects.filter(establishment=establishment)}
        builtin = [(k.value, k.label) for k in AssessmentKind if k != AssessmentKind.OTHER]
        custom = [(CUSTOM + key, kind.name) for key, kind in self.custom_kinds.items()]
        _choice(self, "kind").choices = [*builtin, *custom, (AssessmentKind.OTHER.value, AssessmentKind.OTHER.label)]
        hour = profile_for(establishment).daily_publication_time or DEFAULT_DAILY_TIME
        _choice(self, "publication").choices = [
            (Assessment.Publication.NOW, _("Tout de suite")),
            (Assessment.Publication.AT, _("À une date et une heure")),
            (Assessment.Publication.DAILY, _("À l'heure de publication de l'établissement (%(hour)s)") % {"hour": hour.strftime("%H:%M")}),
            (Assessment.Publication.HIDDEN, _("Pas encore")),
        ]

    def clean_publish_at(self):
        moment = self.cleaned_data.get("publish_at")
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, data.local_zone(self.establishment))
        return moment

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("publication") == Assessment.Publication.AT and not cleaned.get("publish_at"):
            self.add_error("publish_at", _("Indiquez la date et l'heure de publication."))
        return cleaned

    def service_values(self) -> dict:
        """The cleaned values as the assessment services take them."""
        c = self.cleaned_data
        kind, custom_kind = c["kind"], None
        if kind.startswith(CUSTOM):
            custom_kind = self.custom_kinds.get(kind[len(CUSTOM):])
            kind = AssessmentKind.OTHER
        return {
            "title": c["title"], "period": self.periods[c["period"]], "held_on": c["held_on"], "kind": kind,
            "custom_kind": custom_kind, "scale": c["scale"].strip(), "coefficient": c["coefficient"].strip(),
            "is_bonus": c["is_bonus"], "description": c["description"], "publication": c["publication"],
            "publish_at": c["publish_at"] if c["publication"] == Assessment.Publication.AT else None,
        }

    def add_service_error(self, error: errors.DomainError) -> None:
        """A service refusal on its field(s) ({field: message} details), else on the form."""
        details = error.details if isinstance(error.details, dict) else {}
        placed = False
        for field, message in details.items():
            target = "kind" if field == "custom_kind" else field
            if target in self.fields and isinstance(message, str) and " " in message:
                self.add_error(target, message)
                placed = True
        if not placed:
            field = next((f for f in details if f in self.fields), None)
            self.add_error(field, str(error.message))


def initial_of(assessment: Assessment) -> dict:
    kind = CUSTOM + str(assessment.custom_kind.public_id) if assessment.custom_kind else assessment.kind
    local = data.local_time(assessment.published_at, assessment.establishment)
    return {
        "title": assessment.title, "period": str(assessment.period.public_id), "held_on": assessment.held_on,
        "kind": kind, "scale": _number(assessment.scale), "coefficient": _number(assessment.coefficient),
        "is_bonus": assessment.is_bonus, "description": assessment.description,
        "publication": assessment.publication,
        "publish_at": local.replace(tzinfo=None) if local and assessment.publication == Assessment.Publication.AT else None,
        "version": assessment.version,
    }


def _number(value) -> str:
    from carnet.grades.marks import format_number

    return format_number(value)


# --- fetching -------------------------------------------------------------------------------------
def _periods_of(assignment: TeachingAssignment) -> list[Period]:
    return list(Period.objects.filter(school_year_id=assignment.school_year_id).order_by("number"))


def _assessment(request, assessment_id) -> Assessment:
    return get_object_or_404(
        policies.assessments_editable_by(request.user).select_related(
            "establishment", "period", "custom_kind", "assignment__subject", "assignment__school_class",
            "assignment__group", "assignment__school_year", "assignment__establishment",
        ),
        public_id=assessment_id,
    )


def own_assignment_for(actor, assessment: Assessment) -> TeachingAssignment | None:
    """The actor's assignment whose grid shows `assessment` (their own, or theirs for a co-taught
    subject and audience)."""
    a = assessment.assignment
    mine = policies.assignments_editable_by(actor).filter(subject_id=a.subject_id)
    mine = mine.filter(school_class_id=a.school_class_id) if a.school_class_id else mine.filter(group_id=a.group_id)
    return mine.first()


def grid_url(actor, assessment: Assessment) -> str:
    assignment = own_assignment_for(actor, assessment)
    if assignment is None:
        return reverse("grades:teacher_home")
    return reverse("grades:grid", args=[assignment.public_id, assessment.period.public_id])


def last_change(assessment: Assessment) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(object_type=Assessment._meta.label_lower, object_id=str(assessment.public_id))
        .order_by("-at", "-id")
        .first()
    )


# --- views ----------------------------------------------------------------------------------------
def assessment_new(request):
    assignment = get_object_or_404(
        policies.assignments_editable_by(request.user).select_related(
            "establishment", "subject", "school_class", "group", "school_year"
        ),
        public_id=uuid_or_404(request.GET.get("assignment")),
    )
    periods = _periods_of(assignment)
    if not periods:
        raise Http404
    chosen = next((p for p in periods if str(p.public_id) == request.GET.get("period", "")), None)
    chosen = chosen or data.current_period(periods)
    form_kwargs = {"establishment": assignment.establishment, "periods": periods}
    if request.method == "POST":
        form = AssessmentForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                assessment = service.create_assessment(actor=request.user, assignment=assignment, **form.service_values())
            except errors.DomainError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Évaluation « %(title)s » créée.") % {"title": assessment.title})
                return redirect("grades:grid", assignment.public_id, assessment.period.public_id)
        status = 422
    else:
        today = timezone.localdate()
        held_on = today if chosen and chosen.starts_on <= today <= chosen.ends_on else (chosen.starts_on if chosen else today)
        form = AssessmentForm(initial={"period": str(chosen.public_id) if chosen else "", "held_on": held_on}, **form_kwargs)
        status = 200
    back = reverse("grades:grid", args=[assignment.public_id, chosen.public_id]) if chosen else reverse("grades:teacher_home")
    return render(
        request, "grades/teacher/assessment_form.html",
        {"form": form, "assignment": assignment, "assessment": None, "back_url": back},
        status=status,
    )




def assessment_edit(request, assessment_id):
    assessment = _assessment(request, assessment_id)
    assignment = assessment.assignment
    periods = _periods_of(assignment)
    form_kwargs = {"establishment": assessment.establishment, "periods": periods}
    conflict = None
    status = 200
    if request.method == "POST":
        form = AssessmentForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                updated = service.update_assessment(
                    actor=request.user, assessment=assessment,
                    expected_version=form.cleaned_data.get("version") or 0, **form.service_values(),
                )
            except errors.DomainError as error:
                if error.code == "conflict":
                    assessment.refresh_from_db()
                    conflict = _conflict_message(assessment)
                    data_copy = request.POST.copy()
                    data_copy["version"] = str(assessment.version)
                    form = AssessmentForm(data_copy, **form_kwargs)
                    form.is_valid()
                    form.add_error(None, conflict)
                else:
                    form.add_service_error(error)
            else:
                messages.success(request, _("Évaluation « %(title)s » enregistrée.") % {"title": updated.title})
                return redirect(grid_url(request.user, updated))
        status = 409 if conflict else 422
    else:
        form = AssessmentForm(initial=initial_of(assessment), **form_kwargs)
    return render(
        request, "grades/teacher/assessment_form.html",
        {
            "form": form, "assignment": assignment, "assessment": assessment, "back_url": grid_url(request.user, assessment),
            "conflict": conflict, "published": assessment.published_at is not None and assessment.published_at <= timezone.now(),
            "marks_count": Mark.objects.filter(assessment=assessment).exclude(status=Mark.Status.NOT_MARKED).count(),
        },
        status=status,
    )


def _conflict_message(assessment: Assessment) -> str:
    event = last_change(assessment)
    if event is None:
        return _("Cette évaluation a été modifiée entre-temps : vérifiez ses valeurs actuelles avant d'enregistrer à nouveau.")
    local = data.local_time(event.at, assessment.establishment) or event.at
    return _(
        "%(who)s a modifié cette évaluation entre-temps (le %(day)s à %(time)s). Vos valeurs sont gardées ci-dessous ; "
        "vérifiez-les puis enregistrez à nouveau pour remplacer les siennes."
    ) % {"who": event.actor_name or _("Quelqu'un"), "day": local.strftime("%d/%m/%Y"), "time": local.strftime("%H:%M")}


class DuplicateForm(forms.Form):
    assignments = forms.MultipleChoiceField(
        label=gettext_lazy("Classes et groupes"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Cochez au moins une classe ou un groupe.")},
    )

    def __init__(self, *args, choices: list[TeachingAssignment], **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {str(a.public_id): a for a in choices}
        _choice(self, "assignments").choices = [(key, f"{a.audience.name} · {a.subject.name}") for key, a in self.targets.items()]


def assessment_duplicate(request, assessment_id):
    assessment = _assessment(request, assessment_id)
    source = assessment.assignment
    choices = list(
        policies.assignments_editable_by(request.user)
        .filter(subject_id=source.subject_id, school_year_id=source.school_year_id, establishment_id=source.establishment_id)
        .exclude(pk=source.pk)
        .select_related("school_class", "group", "subject")
        .order_by("school_class__name", "group__name")
    )
    form = DuplicateForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        targets = [form.targets[key] for key in form.cleaned_data["assignments"]]
        try:
            created = service.duplicate_assessment(actor=request.user, assessment=assessment, assignments=targets)
        except errors.DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("« %(title)s » ajoutée à : %(names)s.")
                % {"title": assessment.title, "names": ", ".join(c.assignment.audience.name for c in created)},
            )
            return redirect(grid_url(request.user, assessment))
    return render(
        request, "grades/teacher/assessment_duplicate.html",
        {"assessment": assessment, "form": form, "choices": choices, "back_url": grid_url(request.user, assessment)},
        status=422 if request.method == "POST" else 200,
    )


def assessment_delete(request, assessment_id):
    assessment = _assessment(request, assessment_id)
    marks_count = Mark.objects.filter(assessment=assessment).exclude(status=Mark.Status.NOT_MARKED).count()
    back = grid_url(request.user, assessment)
    problem = None
    if request.method == "POST":
        try:
            service.delete_assessment(actor=request.user, assessment=assessment, confirmed=True)
        except errors.DomainError as error:
            problem = str(error.message)
        else:
            messages.success(
                request,
                _("« %(title)s » supprimée, avec %(count)s note(s).") % {"title": assessment.title, "count": marks_count},
            )
            return redirect(back)
    return render(
        request, "grades/teacher/assessment_delete.html",
        {"assessment": assessment, "marks_count": marks_count, "back_url": back, "problem": problem},
        status=409 if problem else 200,
    )


@require_POST
def assessment_publish(request, assessment_id):
    assessment = _assessment(request, assessment_id)
    try:
        service.publish_now(actor=request.user, assessment=assessment)
    except errors.DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("« %(title)s » est publiée.") % {"title": assessment.title})
    return redirect(grid_url(request.user, assessment))
