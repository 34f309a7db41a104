"""Account management pages of an establishment: find a person, see their account, give a new
activation code, close or reopen the account; print the activation sheets of a class."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from carnet.core.errors import DomainError
from carnet.school.services import accounts

PER_PAGE = 50


def _ensure_manager(request) -> None:
    if not accounts.manages_accounts(request.user):
        raise PermissionDenied


def _person(request, public_id):
    return get_object_or_404(accounts.accounts_visible_to(request.user), public_id=public_id)


def _render_slips(request, slips, *, title, back_url):
    activation_url = settings.SITE_URL.rstrip("/") + reverse("identity:activate")
    return render(
        request,
        "school/accounts/sheet.html",
        {"slips": slips, "title": title, "back_url": back_url, "activation_url": activation_url},
    )


# --- list and person -------------------------------------------------------------------------------
@require_http_methods(["GET"])
def account_list(request):
    _ensure_manager(request)
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("statut", "")
    if status not in accounts.STATUS_FILTERS:
        status = ""
    people = accounts.search_accounts(request.user, query=query, status=status)
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "status": status,
        "filters": accounts.STATUS_FILTERS.items(),
        "establishments": accounts.managed_establishments(request.user),
        "security_establishments": accounts.security_establishments(request.user),
    }
    template = "school/accounts/list.html#results" if request.htmx else "school/accounts/list.html"
    return render(request, template, context)


@never_cache
@require_http_methods(["GET"])
def account_detail(request, public_id):
    person = _person(request, public_id)
    overview = accounts.account_overview(request.user, person)
    return render(request, "school/accounts/detail.html", {"person": person, "overview": overview})


@never_cache
@require_POST
def account_issue_code(request, public_id):
    person = _person(request, public_id)
    try:
        slip = accounts.issue_person_code(actor=request.user, target=person)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("school:account_detail", public_id=person.public_id)
    return _render_slips(
        request,
        [slip],
        title=_("Nouveau code d'activation de %(name)s") % {"name": person.full_name},
        back_url=reverse("school:account_detail", args=[person.public_id]),
    )


@require_POST
def account_deactivate(request, public_id):
    person = _person(request, public_id)
    ended = accounts.deactivate_account(actor=request.user, target=person)
    messages.success(
        request,
        ngettext(
            "Le compte de %(name)s est désactivé ; %(count)d session a été fermée.",
            "Le compte de %(name)s est désactivé ; %(count)d sessions ont été fermées.",
            ended,
        )
        % {"name": person.full_name, "count": ended},
    )
    return redirect("school:account_detail", public_id=person.public_id)


@require_POST
def account_reactivate(request, public_id):
    person = _person(request, public_id)
    accounts.reactivate_account(actor=request.user, target=person)
    messages.success(request, _("Le compte de %(name)s est de nouveau actif.") % {"name": person.full_name})
    return redirect("school:account_detail", public_id=person.public_id)


@require_POST
def guardianship_remove(request, public_id):
    link = get_object_or_404(
        accounts.guardianships_managed_by(request.user).select_related("student", "guardian", "establishment"),
        public_id=public_id,
    )
    back = link.guardian if request.POST.get("back") == "guardian" else link.student
    accounts.remove_guardianship(actor=request.user, guardianship=link)
    messages.success(
        request,
        _("%(guardian)s n'est plus responsable de %(student)s.")
        % {"guardian": link.guardian.full_name, "student": link.student.full_name},
    )
    return redirect("school:account_detail", public_id=back.public_id)


@require_POST
def security_rules(request, public_id):
    establishment = get_object_or_404(accounts.security_establishments(request.user), public_id=public_id)
    required = request.POST.get("require_staff_totp") == "on"
    if accounts.set_staff_totp_requirement(actor=request.user, establishment=establishment, required=required):
        if required:
            messages.success(request, _("La double authentification est désormais obligatoire pour le personnel de direction et de vie scolaire."))
        else:
            messages.success(request, _("La double authentification n'est plus obligatoire pour le personnel."))
    return redirect("school:accounts")


@require_POST
def account_reset_totp(request, public_id):
    person = _person(request, public_id)
    accounts.reset_second_factor(actor=request.user, target=person)
    messages.success(
        request, _("La double authentification de %(name)s est désactivée.") % {"name": person.full_name}
    )
    return redirect("school:account_detail", public_id=person.public_id)


# --- activation sheets -----------------------------------------------------------------------------
class SheetForm(forms.Form):
    school_class: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Classe"), queryset=None, to_field_name="public_id", empty_label=gettext_lazy("Choisir une classe…")
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Pour qui ?"),
        choices=[
            (accounts.BOTH, gettext_lazy("Les élèves et leurs responsables")),
            (accounts.STUDENTS, gettext_lazy("Les élèves seulement")),
            (accounts.GUARDIANS, gettext_lazy("Les responsables seulement")),
        ],
        initial=accounts.BOTH,
        widget=forms.RadioSelect,
    )
    only_never_signed_in = forms.BooleanField(
        label=gettext_lazy("Seulement ceux qui ne se sont jamais connectés"),
        help_text=gettext_lazy("Les autres gardent leur mot de passe et ne reçoivent pas de nouveau code."),
        required=False,
        initial=True,
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes
        self.fields["school_class"].label_from_instance = lambda c: (
            f"{c.name} — {c.establishment.name}" if self.many_establishments else c.name
        )
        self.many_establishments = len({c.establishment_id for c in classes}) > 1


@never_cache
@require_http_methods(["GET", "POST"])
def activation_sheets(request):
    _ensure_manager(request)
    classes = accounts.sheet_classes(request.user)
    form = SheetForm(request.POST if request.method == "POST" else None, classes=classes)
    if form.is_bound and form.is_valid():
        school_class = form.cleaned_data["school_class"]
        slips = accounts.issue_class_sheet(
            actor=request.user,
            school_class=school_class,
            audience=form.cleaned_data["audience"],
            only_never_signed_in=form.cleaned_data["only_never_signed_in"],
        )
        if not slips:
            messages.info(request, _("Personne à qui remettre un code dans cette classe avec ces choix."))
            return redirect("school:activation_sheets")
        return _render_slips(
            request,
            slips,
            title=_("Fiches d'activation — %(name)s") % {"name": school_class.name},
            back_url=reverse("school:activation_sheets"),
        )
    return render(request, "school/accounts/sheets_form.html", {"form": form, "has_classes": classes.exists()})
