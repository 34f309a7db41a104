"""Components, filters and registries of the design system."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory

from carnet.ui import navigation, widgets


def test_pagination_keeps_other_parameters_and_marks_the_current_page():
    request = RequestFactory().get("/annuaire/", {"q": "dur", "role": "x", "page": "3"})
    page = Paginator(list(range(200)), 10).get_page(3)
    out = render_to_string("ui/components/pagination.html", {"page": page}, request=request)
    assert 'aria-label="Pagination"' in out
    assert 'href="?q=dur&amp;role=x&amp;page=2" rel="prev"' in out
    assert 'href="?q=dur&amp;role=x&amp;page=4" rel="next"' in out
    assert '<span class="page" aria-current="page">' in out
    assert "…" in out  # elided range
    assert "21–30 sur 200" in out
    assert "hx-get" not in out


def test_pagination_can_load_through_htmx():
    request = RequestFactory().get("/", {"page": "1"})
    page = Paginator(list(range(30)), 10).get_page(1)
    out = render_to_string("ui/components/pagination.html", {"page": page, "hx_target": "#results"}, request=request)
    assert 'hx-get="?page=2" hx-target="#results" hx-push-url="true"' in out
    assert 'rel="prev"' not in out


def test_pagination_is_silent_on_a_single_page():
    page = Paginator([1, 2], 10).get_page(1)
    assert render_to_string("ui/components/pagination.html", {"page": page}).strip() == ""


def test_pagination_with_a_custom_parameter():
    request = RequestFactory().get("/", {"p": "1"})
    page = Paginator(list(range(30)), 10).get_page(1)
    out = render_to_string("ui/components/pagination.html", {"page": page, "param": "p"}, request=request)
    assert 'href="?p=2"' in out


def test_empty_state_with_an_action():
    out = render_to_string(
        "ui/components/empty_state.html",
        {"icon": "users", "title": "Personne", "text": "Importez.", "action_url": "/imports/", "action_label": "Importer"},
    )
    assert "#i-users" in out and "<h2>Personne</h2>" in out and "<p>Importez.</p>" in out
    assert '<a class="btn btn-primary" href="/imports/">Importer</a>' in out


def test_empty_state_heading_level_and_no_action():
    out = render_to_string("ui/components/empty_state.html", {"title": "Rien", "level": 3})
    assert "<h3>Rien</h3>" in out and "btn" not in out


def test_page_header():
    out = render_to_string("ui/components/page_header.html", {"title": "Annuaire", "lead": "Tout le monde"})
    assert '<header class="page-header">' in out and "<h1>Annuaire</h1>" in out and '<p class="lead">Tout le monde</p>' in out


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+33612345678", "+33 6 12 34 56 78"),
        ("+2290197000001", "+229 01 97 00 00 01"),
        ("+22997000001", "+229 97 00 00 01"),
        ("+442079460958", "+442079460958"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_filter(value, expected):
    assert Template("{{ v|phone }}").render(Context({"v": value})) == expected


def test_initials_filter():
    class Person:
        first_name, last_name = "éloïse", "dupont"

    assert Template("{{ p|initials }}").render(Context({"p": Person()})) == "ÉD"


# --- navigation -------------------------------------------------------------------------------------
@pytest.fixture
def nav_registry(monkeypatch):
    monkeypatch.setattr(navigation, "_REGISTRY", {})
    return navigation


def _request(user, view_name):
    request = RequestFactory().get("/")
    request.user = user
    request.resolver_match = type("Match", (), {"view_name": view_name})()
    return request


def test_navigation_marks_the_exact_entry_current(nav_registry, world):
    nav_registry.register("home", "Accueil", "portal:home", "home", order=0)
    nav_registry.register("directory", "Annuaire", "portal:directory", "users", order=10)
    items = nav_registry.items_for(_request(world.head, "portal:directory"))
    assert [(i["key"], i["current"]) for i in items] == [("home", False), ("directory", True)]


def test_navigation_tie_on_a_namespace_marks_nothing(nav_registry, world):
    nav_registry.register("home", "Accueil", "portal:home", "home", order=0)
    nav_registry.register("directory", "Annuaire", "portal:directory", "users", order=10)
    items = nav_registry.items_for(_request(world.head, "portal:profile"))
    assert not any(i["current"] for i in items)


def test_navigation_namespace_and_match_prefixes(nav_registry, world):
    nav_registry.register("accounts", "Comptes", "school:accounts", "users")
    nav_registry.register("home", "Accueil", "portal:home", "home", order=0)
    items = {i["key"]: i for i in nav_registry.items_for(_request(world.head, "school:account_detail"))}
    assert items["accounts"]["current"] and not items["home"]["current"]


def test_navigation_skips_invisible_and_unknown_entries(nav_registry, world):
    nav_registry.register("hidden", "Caché", "portal:home", "home", visible=lambda request: False)
    nav_registry.register("missing", "Absent", "nowhere:page", "home")
    assert nav_registry.items_for(_request(world.head, "portal:home")) == []


def test_navigation_is_empty_for_anonymous(nav_registry):
    from django.contrib.auth.models import AnonymousUser

    nav_registry.register("home", "Accueil", "portal:home", "home")
    assert nav_registry.items_for(_request(AnonymousUser(), "portal:home")) == []


# --- widgets ------------------------------------------------------------------------------------------
@pytest.fixture
def widget_registry(monkeypatch):
    monkeypatch.setattr(widgets, "_REGISTRY", {})
    return widgets


def test_widgets_are_ordered_per_side(widget_registry):
    widget_registry.register("student", "b", "b.html", order=20)
    widget_registry.register("student", "a", "a.html", order=20)
    widget_registry.register("student", "first", "f.html", order=5)
    widget_registry.register("teacher", "other", "o.html")
    assert [w.key for w in widget_registry.for_side("student")] == ["first", "a", "b"]
    assert [w.key for w in widget_registry.for_side("staff")] == []


def test_widget_registration_rejects_unknown_sides(widget_registry):
    with pytest.raises(ValueError):
        widget_registry.register("parent", "x", "x.html")


def test_widget_returning_none_is_left_out(widget_registry):
    class Scope:
        side = "guardian"

    widget_registry.register("guardian", "shown", "s.html", lambda request, scope: {"n": 1}, wide=True)
    widget_registry.register("guardian", "hidden", "h.html", lambda request, scope: None)
    widget_registry.register("guardian", "static", "t.html")
    rendered = widget_registry.render_list(None, Scope())
    assert [(w["key"], w["context"], w["wide"]) for w in rendered] == [("shown", {"n": 1}, True), ("static", {}, False)]


def test_render_widget_tag_adds_the_widget_context(tmp_path, settings):
    template_dir = tmp_path / "templates"
    (template_dir / "w").mkdir(parents=True)
    (template_dir / "w" / "hello.html").write_text("{{ greeting }} {{ page_value }}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [template_dir]},
    ]
    from django.template import engines

    engine = engines["django"]
    template = engine.from_string("{% render_widget widget %}|{{ greeting|default:'gone' }}")
    out = template.render({"widget": {"template_name": "w/hello.html", "context": {"greeting": "Bonjour"}}, "page_value": 7})
    assert out == "Bonjour 7|gone"
