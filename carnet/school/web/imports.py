"""The imports page: choose a kind, upload a file, read the preview, apply it; the history of
imports; example files. For account managers (`policies.can_import`)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from carnet.school.imports import examples, pending
from carnet.school.imports.errors import ImportFileRejected, ImportInvalid, ImportOutdated
from carnet.school.imports.selectors import can_import_somewhere, importable_establishments, runs_visible_to
from carnet.school.imports.services import KIND_CHOICES, KINDS, apply_import, preview_import, summary_rows

HISTORY_SIZE = 20
#: A preview lists this many problems and changes at most; the counts always cover the whole file.
PREVIEW_LIMIT = 300


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Contenu du fichier"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    file = forms.FileField(
        label=gettext_lazy("Fichier"),
        help_text=gettext_lazy("CSV (séparé par des points-virgules ou des virgules) ou Excel (.xlsx)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.CARNET_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier est trop volumineux : la limite est de %(limit)s Mo.")
                % {"limit": settings.CARNET_IMPORT_MAX_BYTES // (1024 * 1024) or 1}
            )
        return upload


class ApplyForm(forms.Form):
    kind = forms.ChoiceField(choices=KIND_CHOICES)
    digest = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    fingerprint = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    file_name = forms.CharField(max_length=200)


def _establishment(request):
    """The establishment the page works on: the one chosen (?etablissement=<public id>) among those
    the person may import into, else the first of them. Nobody else gets further than a 403."""
    establishments = list(importable_establishments(request.user))
    if not establishments:
        raise PermissionDenied
    chosen = request.POST.get("etablissement") or request.GET.get("etablissement")
    if chosen:
        for establishment in establishments:
            if str(establishment.public_id) == chosen:
                return establishment, establishments
        raise Http404
    return establishments[0], establishments


def _page(request, establishment, establishments, *, form=None, plan=None, apply_form=None, status=200):
    history = list(runs_visible_to(request.user).filter(establishment=establishment)[:HISTORY_SIZE])
    for run in history:
        run.kind_label = _kind_label(run.kind)
    context = {
        "establishment": establishment,
        "establishments": establishments,
        "form": form or UploadForm(),
        "plan": plan,
        "apply_form": apply_form,
        "history": history,
        "kinds": KIND_CHOICES,
        "max_megabytes": settings.CARNET_IMPORT_MAX_BYTES // (1024 * 1024),
    }
    if plan is not None:
        changes = plan.visible_changes()
        context.update(
            problems=plan.problems[:PREVIEW_LIMIT],
            more_problems=max(0, len(plan.problems) - PREVIEW_LIMIT),
            changes=changes[:PREVIEW_LIMIT],
            more_changes=max(0, len(changes) - PREVIEW_LIMIT),
            kind_label=KINDS[plan.kind].label,
            summary=plan.summary(),
            count_rows=plan.count_rows(),
        )
    return render(request, "school/imports/index.html", context, status=status)


@never_cache
def imports(request):
    establishment, establishments = _establishment(request)
    if request.method != "POST":
        return _page(request, establishment, establishments)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, establishment, establishments, form=form, status=422)
    upload = form.cleaned_data["file"]
    content = upload.read()
    kind = form.cleaned_data["kind"]
    try:
        plan = preview_import(
            actor=request.user, establishment=establishment, kind=kind, file_name=upload.name, content=content
        )
    except ImportFileRejected as error:
        form.add_error("file", str(error.message))
        return _page(request, establishment, establishments, form=form, status=422)
    return _preview(request, establishment, establishments, plan, content)


def _preview(request, establishment, establishments, plan, content, *, status=200):
    apply_form = None
    if plan.is_valid:
        digest = pending.keep(request.user, content)
        apply_form = ApplyForm(
            initial={"kind": plan.kind, "digest": digest, "fingerprint": plan.fingerprint(), "file_name": plan.file_name}
        )
    form = UploadForm(initial={"kind": plan.kind})
    return _page(request, establishment, establishments, form=form, plan=plan, apply_form=apply_form, status=status)


@never_cache
@require_POST
def apply(request):
    establishment, establishments = _establishment(request)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Demande incomplète : déposez le fichier à nouveau."))
        return redirect(_url(establishment, establishments))
    data = form.cleaned_data
    content = pending.load(request.user, data["digest"])
    if content is None:
        messages.error(request, _("Le fichier déposé n'est plus disponible : déposez-le à nouveau."))
        return redirect(_url(establishment, establishments))
    try:
        outcome = apply_import(
            actor=request.user,
            establishment=establishment,
            kind=data["kind"],
            file_name=data["file_name"],
            content=content,
            expected_fingerprint=data["fingerprint"],
        )
    except ImportOutdated as error:
        messages.warning(request, str(error.message))
        plan = preview_import(
            actor=request.user, establishment=establishment, kind=data["kind"], file_name=data["file_name"], content=content
        )
        return _preview(request, establishment, establishments, plan, content, status=409)
    except ImportInvalid as error:
        messages.error(request, str(error.message))
        return _preview(request, establishment, establishments, error.plan, content, status=422)
    except ImportFileRejected as error:
        messages.error(request, str(error.message))
        return redirect(_url(establishment, establishments))
    pending.discard_all(request.user)
    messages.success(request, _("Import appliqué."))
    return redirect("school:import_run", run_id=outcome.run.public_id)


def _url(establishment, establishments) -> str:
    url = reverse("school:imports")
    return f"{url}?etablissement={establishment.public_id}" if len(establishments) > 1 else url


def _kind_label(kind: str):
    return KINDS[kind].label if kind in KINDS else kind


@never_cache
def run_detail(request, run_id):
    run = get_object_or_404(runs_visible_to(request.user), public_id=run_id)
    summary = run.summary or {}
    return render(
        request,
        "school/imports/run.html",
        {
            "run": run,
            "kind_label": _kind_label(run.kind),
            "rows": summary_rows(summary),
            "summary": summary,
            "has_new_people": any(
                summary.get("counts", {}).get(e, {}).get("created") for e in ("students", "guardians", "staff")
            ),
        },
    )


@require_GET
def example(request, kind, extension):
    if not can_import_somewhere(request.user):
        raise PermissionDenied
    if kind not in KINDS or extension not in {"csv", "xlsx"}:
        raise Http404
    registered = KINDS[kind]
    if registered.example_csv is not None and registered.example_xlsx is not None:
        name = registered.example_name or kind
        content = registered.example_csv() if extension == "csv" else registered.example_xlsx()
    else:
        name = {"students": "eleves", "staff": "personnels", "assignments": "services"}[kind]
        content = examples.example_csv(kind) if extension == "csv" else examples.example_xlsx(kind)
    if extension == "csv":
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="modele-{name}.{extension}"'
    return response


def register_navigation() -> None:
    """Side-menu entries of this module and of the audit page; called from SchoolConfig.ready()."""
    from carnet.school.web.audit import can_read_some_audit
    from carnet.ui import navigation

    navigation.register(
        "imports", gettext_lazy("Imports"), "school:imports", "upload", order=82, match=("school:import",),
        visible=lambda request: can_import_somewhere(request.user),
    )
    navigation.register(
        "audit", gettext_lazy("Journal"), "school:audit", "history", order=90, match=("school:audit",),
        visible=lambda request: can_read_some_audit(request.user),
    )
