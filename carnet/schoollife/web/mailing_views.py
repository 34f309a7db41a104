"""Pages of the mailing part (head, deputies and school life; anyone else gets 404):

- /vie-scolaire/courriers/: the templates and the mailings of the establishment(s);
- /vie-scolaire/courriers/modeles/…: write, change or delete a template (placeholders listed);
- /vie-scolaire/courriers/nouveau/: choose a template, a channel and the students → a draft;
- /vie-scolaire/courriers/<mailing>/: the preview (each family's letter, the families the channel
  cannot reach, the counts), then "Envoyer" (once), then the outcome of each letter; for printed
  letters, the PDF to download."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from carnet.core import errors
from carnet.notifications.quiet import zone
from carnet.school.models import SchoolClass
from carnet.schoollife import policies
from carnet.schoollife.models import Channel, LetterTemplate, Mailing, MailingRecipient
from carnet.schoollife.pdf import letters_pdf
from carnet.schoollife.selectors import current_enrollment
from carnet.schoollife.services import letters as letter_service
from carnet.schoollife.services import mailing as mailing_service
from carnet.schoollife.web.mailing_forms import MailingForm, TemplateForm, default_dates

LETTERS_PER_PAGE = 50


def _establishments(request):
    establishments = list(policies.establishments_for_letters(request.user))
    if not establishments:
        raise Http404
    return establishments


def templates_visible_to(actor):
    return LetterTemplate.objects.filter(establishment_id__in=policies.staff_establishment_ids(actor))


def mailings_visible_to(actor):
    return Mailing.objects.filter(establishment_id__in=policies.staff_establishment_ids(actor))


def _placeholders():
    return [(name, label) for name, label in letter_service.PLACEHOLDERS.items()]


# --- lists --------------------------------------------------------------------------------------
@require_safe
def mailings(request):
    establishments = _establishments(request)
    templates = list(
        templates_visible_to(request.user)
        .select_related("establishment")
        .order_by("establishment__name", "name")
    )
    history = list(
        mailings_visible_to(request.user)
        .select_related("establishment", "created_by", "sent_by")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "schoollife/mailings.html",
        {
            "templates": templates,
            "mailings": history,
            "several": len(establishments) > 1,
            "placeholders": _placeholders(),
        },
    )


# --- templates ----------------------------------------------------------------------------------
def _apply_error(form, error: errors.DomainError) -> None:
    field = error.details.get("field") if isinstance(error.details, dict) else None
    form.add_error(field if field in form.fields else None, str(error.message))


def _template_page(request, form, template=None, status=200):
    return render(
        request,
        "schoollife/template_form.html",
        {"form": form, "template": template, "placeholders": _placeholders()},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def template_new(request):
    establishments = _establishments(request)
    if request.method != "POST":
        return _template_page(request, TemplateForm(establishments=establishments))
    form = TemplateForm(request.POST, establishments=establishments)
    if form.is_valid() and form.establishment is not None:
        try:
            letter_service.create_template(
                actor=request.user,
                establishment=form.establishment,
                name=form.cleaned_data["name"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                sms_body=form.cleaned_data["sms_body"],
            )
        except errors.DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(
                request, _("Modèle « %(name)s » enregistré.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("schoollife:mailings")
    return _template_page(request, form, status=422)


@require_http_methods(["GET", "HEAD", "POST"])
def template_edit(request, template_id: uuid.UUID):
    template = get_object_or_404(
        templates_visible_to(request.user).select_related("establishment"), public_id=template_id
    )
    establishments = [template.establishment]
    if request.method != "POST":
        form = TemplateForm(
            establishments=establishments,
            initial={
                "name": template.name,
                "subject": template.subject,
                "body": template.body,
                "sms_body": template.sms_body,
            },
        )
        return _template_page(request, form, template)
    form = TemplateForm(request.POST, establishments=establishments)
    if form.is_valid():
        try:
            letter_service.update_template(
                actor=request.user,
                template=template,
                name=form.cleaned_data["name"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                sms_body=form.cleaned_data["sms_body"],
            )
        except errors.DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Modèle « %(name)s » enregistré.") % {"name": template.name})
            return redirect("schoollife:mailings")
    return _template_page(request, form, template, status=422)


@require_http_methods(["GET", "HEAD", "POST"])
def template_delete(request, template_id: uuid.UUID):
    template = get_object_or_404(
        templates_visible_to(request.user).select_related("establishment"), public_id=template_id
    )
    if request.method == "POST":
        letter_service.delete_template(actor=request.user, template=template)
        messages.success(request, _("Modèle « %(name)s » supprimé.") % {"name": template.name})
        return redirect("schoollife:mailings")
    return render(request, "schoollife/template_delete.html", {"template": template})


# --- a mailing ----------------------------------------------------------------------------------
def _mailing_form(request, data=None):
    establishments = _establishments(request)
    templates = list(
        templates_visible_to(request.user)
        .select_related("establishment")
        .order_by("establishment__name", "name")
    )
    classes = list(
        SchoolClass.objects.filter(establishment__in=establishments, school_year__is_current=True)
        .select_related("establishment", "level")
        .order_by("establishment__name", "level__rank", "normalized_name")
    )
    source = data if data is not None else request.GET
    wanted = [value for value in source.getlist("eleves") if value][:500]
    picked = []
    if wanted:
        try:
            ids = [uuid.UUID(value) for value in wanted]
        except ValueError as error:
            raise Http404 from error
        picked = list(
            policies.record_students_visible_to(request.user)
            .filter(public_id__in=ids, enrollments__establishment__in=establishments)
            .distinct()
            .order_by("last_name", "first_name")
        )
    return templates, classes, picked


@require_http_methods(["GET", "HEAD", "POST"])
def mailing_new(request):
    templates, classes, picked = _mailing_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form = MailingForm(request.POST, templates=templates, classes=classes, picked=picked)
        if form.is_valid() and form.template_object is not None:
            data = form.cleaned_data
            selection = mailing_service.Selection(
                kind=data["selection"],
                school_class=uuid.UUID(data["classe"]) if data.get("classe") else None,
                threshold=data.get("seuil"),
                students=[uuid.UUID(value) for value in data.get("eleves") or []],
            )
            try:
                mailing = mailing_service.prepare_mailing(
                    actor=request.user,
                    template=form.template_object,
                    channel=data["channel"],
                    selection=selection,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
            except errors.DomainError as error:
                _apply_error(form, error)
            else:
                return redirect("schoollife:mailing", mailing.public_id)
        status = 422
    else:
        enrollment = current_enrollment(picked[0]) if picked else None
        year_start = (
            enrollment.school_year.starts_on
            if enrollment
            else (classes[0].school_year.starts_on if classes else None)
        )
        starts_on, ends_on = default_dates(timezone.localdate(), year_start)
        initial = {
            "starts_on": starts_on,
            "ends_on": ends_on,
            "eleves": [str(s.public_id) for s in picked],
            "selection": Mailing.Selection.STUDENTS
            if picked
            else request.GET.get("selection", Mailing.Selection.CLASS),
        }
        form = MailingForm(initial=initial, templates=templates, classes=classes, picked=picked)
        status = 200
    return render(
        request,
        "schoollife/mailing_new.html",
        {"form": form, "templates": templates, "picked": picked},
        status=status,
    )


def _mailing(request, mailing_id) -> Mailing:
    return get_object_or_404(
        mailings_visible_to(request.user).select_related(
            "establishment", "created_by", "sent_by", "template"
        ),
        public_id=mailing_id,
    )


@require_safe
def mailing_detail(request, mailing_id: uuid.UUID):
    mailing = _mailing(request, mailing_id)
    letters = (
        mailing.recipients.exclude(status=MailingRecipient.Status.UNREACHABLE)
        .select_related("student", "guardian", "delivery")
        .order_by("position", "id")
    )
    page = Paginator(letters, LETTERS_PER_PAGE).get_page(request.GET.get("page", 1))
    unreachable = list(
        mailing.recipients.filter(status=MailingRecipient.Status.UNREACHABLE)
        .select_related("student", "guardian")
        .order_by("position", "id")
    )
    rows = [
        {"letter": r, "status": mailing_service.outcome_of(r), "detail": mailing_service.outcome_detail(r)}
        for r in page.object_list
    ]
    outcome = None
    if mailing.is_sent:
        outcome = {status: 0 for status in MailingRecipient.Status.values}
        for status, delivery_status in mailing.recipients.exclude(
            status=MailingRecipient.Status.UNREACHABLE
        ).values_list("status", "delivery__status"):
            outcome[mailing_service.outcome_from(status, delivery_status)] += 1
        outcome[MailingRecipient.Status.UNREACHABLE] += len(unreachable)
    with timezone.override(zone(mailing.establishment.time_zone)):
        return render(
            request,
            "schoollife/mailing.html",
            {"mailing": mailing, "page": page, "rows": rows, "unreachable": unreachable, "outcome": outcome},
        )


@require_POST
def mailing_send(request, mailing_id: uuid.UUID):
    mailing = _mailing(request, mailing_id)
    already = mailing.is_sent
    mailing = mailing_service.send_mailing(actor=request.user, mailing=mailing)
    if already:
        messages.info(request, _("Ce courrier était déjà parti : rien n'a été envoyé une seconde fois."))
    elif mailing.channel == Channel.PDF:
        messages.success(request, _("Les lettres sont prêtes : téléchargez le PDF pour les imprimer."))
    else:
        messages.success(
            request,
            _("%(count)d courriers confiés à l'envoi. Leur état s'affiche ci-dessous.")
            % {"count": mailing.letters_count},
        )
    return redirect("schoollife:mailing", mailing.public_id)


@require_POST
def mailing_discard(request, mailing_id: uuid.UUID):
    mailing = _mailing(request, mailing_id)
    try:
        mailing_service.discard_mailing(actor=request.user, mailing=mailing)
    except errors.DomainError as error:
        messages.error(request, str(error.message))
        return redirect("schoollife:mailing", mailing.public_id)
    messages.success(request, _("Courrier abandonné : rien n'a été envoyé."))
    return redirect("schoollife:mailings")


@require_safe
def mailing_pdf(request, mailing_id: uuid.UUID):
    mailing = _mailing(request, mailing_id)
    if mailing.channel != Channel.PDF or not mailing.is_sent:
        raise Http404
    letters = (
        mailing.recipients.exclude(status=MailingRecipient.Status.UNREACHABLE)
        .select_related("student", "guardian")
        .order_by("position", "id")
    )
    response = HttpResponse(letters_pdf(mailing, letters), content_type="application/pdf")
    name = slugify(f"courriers-{mailing.name}-{mailing.sent_at:%Y-%m-%d}") or "courriers"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
