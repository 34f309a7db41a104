"""The English catalogue stays complete (ADR 0003): every French msgid has an English text, the
compiled .mo matches the .po, no literal passed to gettext in the code is missing from the catalogue,
and pages speak English to whoever asks for it (browser or, above all, profile)."""

from __future__ import annotations

import ast
import gettext as stdlib_gettext
import html
import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation.template import templatize

CARNET = Path(settings.BASE_DIR) / "carnet"
CATALOGUE = CARNET / "locale" / "en" / "LC_MESSAGES"
# The folders `make messages` leaves out (see MESSAGES_IGNORE in the Makefile).
IGNORED_DIRS = {"tests", "testing", "bench", "e2e_tests", "locale", "__pycache__", "static"}
SOURCE_ROOTS = (CARNET, Path(settings.BASE_DIR) / "config")
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")


# --- a small .po reader (the project carries no po library) ------------------------------------

def _unquote(token: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r'\\(.)', lambda m: escapes[m.group(1)], token.strip()[1:-1])


@cache
def po_entries() -> tuple[dict, ...]:
    """The live (non-obsolete) entries of the English .po, header excluded. Each entry: msgctxt,
    msgid, msgid_plural, msgstr (a list: one text, or one per plural form), flags."""
    entries = []
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        entry: dict = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": [], "flags": set()}
        target: tuple[str, int | None] | None = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry = {}
                break
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line):
                keyword, value = match.group(1), _unquote(match.group(2))
                if keyword.startswith("msgstr"):
                    entry["msgstr"].append(value)
                    target = ("msgstr", len(entry["msgstr"]) - 1)
                else:
                    entry[keyword] = value
                    target = (keyword, None)
            elif line.startswith('"') and target is not None:
                key, index = target
                if index is None:
                    entry[key] += _unquote(line)
                else:
                    entry[key][index] += _unquote(line)
            else:
                raise AssertionError(f"Unreadable line in django.po: {line!r}")
        if entry and entry["msgid"]:
            entries.append(entry)
    return tuple(entries)


def catalogue_keys() -> dict[tuple[str | None, str], dict]:
    return {(entry["msgctxt"], entry["msgid"]): entry for entry in po_entries()}


# --- (a) the catalogue is complete and compiled --------------------------------------------------

def test_the_catalogue_is_not_empty():
    assert len(po_entries()) > 500


def test_every_msgid_has_an_english_text_and_none_is_fuzzy():
    untranslated = [entry["msgid"] for entry in po_entries() if not entry["msgstr"] or "" in entry["msgstr"]]
    fuzzy = [entry["msgid"] for entry in po_entries() if "fuzzy" in entry["flags"]]
    assert untranslated == [], "Translate these in carnet/locale/en/LC_MESSAGES/django.po"
    assert fuzzy == [], "Check these translations, then remove their '#, fuzzy' line"


def test_plural_entries_have_both_english_forms():
    for entry in po_entries():
        if entry["msgid_plural"] is not None:
            assert len(entry["msgstr"]) == 2, entry["msgid"]


def test_translations_keep_the_placeholders_of_their_msgid():
    for entry in po_entries():
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if entry["msgid_plural"] else [])
        expected = set().union(*(PLACEHOLDER.findall(source) for source in sources))
        for text in entry["msgstr"]:
            assert set(PLACEHOLDER.findall(text)) <= expected, (entry["msgid"], text)
            if entry["msgid_plural"] is None:
                assert set(PLACEHOLDER.findall(text)) == expected, (entry["msgid"], text)


def test_the_compiled_catalogue_matches_the_po():
    """The .mo is committed (a fresh machine needs no gettext tools): it must be recompiled."""
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = stdlib_gettext.GNUTranslations(handle)
    stale = []
    for entry in po_entries():
        context, msgid, plural = entry["msgctxt"], entry["msgid"], entry["msgid_plural"]
        if plural is None:
            found = [compiled.gettext(msgid) if context is None else compiled.pgettext(context, msgid)]
        else:
            found = [
                compiled.ngettext(msgid, plural, n) if context is None else compiled.npgettext(context, msgid, plural, n)
                for n in (1, 2)
            ]
        if found != entry["msgstr"]:
            stale.append(msgid)
    assert stale == [], "Run `make messages` (compilemessages) so that django.mo matches django.po"


# --- (b) no literal given to gettext is missing from the catalogue -------------------------------

GETTEXT_FUNCTIONS = {
    # name: (index of the context or None, index of the msgid, index of the plural or None)
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


def source_files(*suffixes: str):
    for root in SOURCE_ROOTS:
        for path in root.rglob("*"):
            if path.suffix in suffixes and not IGNORED_DIRS & set(path.relative_to(root).parts[:-1]):
                yield path


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _pick(args: list, positions: tuple[int | None, int, int | None]) -> tuple[str | None, str, str | None] | None:
    """(context, msgid, plural) from the arguments at `positions`, or None if one of them is missing."""
    context_at, msgid_at, plural_at = positions
    wanted = [i for i in positions if i is not None]
    if len(args) <= max(wanted) or any(args[i] is None for i in wanted):
        return None
    return (
        args[context_at] if context_at is not None else None,
        args[msgid_at],
        args[plural_at] if plural_at is not None else None,
    )


def python_messages(path: Path):
    """(context, msgid, plural) of each gettext call whose arguments are literals, as xgettext sees them."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name in GETTEXT_FUNCTIONS:
            message = _pick([_literal(arg) for arg in node.args], GETTEXT_FUNCTIONS[name])
            if message is not None:
                yield message


_LITERAL = r"""u?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_TEMPLATE_CALL = re.compile(rf"\b(gettext|ngettext|pgettext|npgettext|_)\(\s*({_LITERAL}(?:\s*,\s*{_LITERAL})*)")


def template_messages(path: Path):
    """Django's own `templatize` (what makemessages feeds xgettext) turns {% translate %},
    {% blocktranslate %} and _("…") into gettext calls with Python literals."""
    for match in _TEMPLATE_CALL.finditer(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
        name = {"_": "gettext"}.get(match.group(1), match.group(1))
        message = _pick(list(ast.literal_eval(f"({match.group(2)},)")), GETTEXT_FUNCTIONS[name])
        if message is not None:
            yield message


def all_source_messages():
    for path in source_files(".py"):
        for message in python_messages(path):
            yield path, message
    for path in source_files(".html", ".txt"):
        for message in template_messages(path):
            yield path, message


def test_the_scanner_finds_known_messages():
    """Guards the guard: the scan sees template tags, blocktranslate plurals and Python calls."""
    found = {message for _path, message in all_source_messages()}
    assert (None, "Connexion à Carnet", None) in found  # {% translate %}
    assert (None, "%(counter)s session", "%(counter)s sessions") in found  # {% blocktranslate count %}
    assert (None, "Mot de passe incorrect.", None) in found  # Python gettext
    assert ("female", "Enseignante", None) in found  # pgettext
    assert (None, "Français", None) in found  # config/settings


def test_every_literal_message_of_the_code_is_in_the_catalogue():
    """What `make messages` would add. Fix: run `make messages` and translate the new entries."""
    catalogue = catalogue_keys()
    missing = []
    for path, (context, msgid, plural) in all_source_messages():
        entry = catalogue.get((context, msgid))
        if entry is None or (plural is not None and entry["msgid_plural"] is None):
            missing.append(f"{path.relative_to(settings.BASE_DIR)}: {msgid!r}")
    assert sorted(set(missing)) == []


# --- (c, d) pages speak the language asked for ---------------------------------------------------

def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_login_page_speaks_french_by_default_and_english_on_request(client):
    french = text_of(client.get(reverse("identity:login")))
    assert '<html lang="fr">' in french
    assert "Connexion à Carnet" in french and "Mot de passe oublié ?" in french

    english = text_of(client.get(reverse("identity:login"), HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en">' in english
    assert "Sign in to Carnet" in english and "Forgot your password?" in english
    assert "Connexion à Carnet" not in english and "Mot de passe" not in english


@pytest.mark.parametrize(
    ("url_name", "french", "english"),
    [
        ("portal:home", ["Accueil", "Annuaire", "Se déconnecter"], ["Home", "Directory", "Sign out"]),
        (
            "portal:profile",
            ["Mon profil", "Coordonnées et langue", "Langue de l'interface", "Changer de mot de passe"],
            ["My profile", "Contact details and language", "Interface language", "Change password"],
        ),
    ],
)
def test_signed_in_pages_follow_the_browser_when_the_profile_has_no_language(
    world, login, url_name, french, english
):
    client = login(world.teacher_maths)
    assert world.teacher_maths.language == ""

    default = text_of(client.get(reverse(url_name)))
    asked = text_of(client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="en"))

    assert all(text in default for text in french), french
    assert all(text in asked for text in english), english
    assert not any(text in asked for text in french)


def test_the_profile_language_wins_over_the_browser(world, login):
    world.alice_mother.language = "en"
    world.alice_mother.save(update_fields=["language"])
    client = login(world.alice_mother)

    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    page = text_of(response)
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in page
    assert "Home" in page and "Sign out" in page
    assert "Accueil" not in page and "Se déconnecter" not in page


def test_a_french_profile_keeps_french_for_an_english_browser(world, login):
    world.head.language = "fr"
    world.head.save(update_fields=["language"])
    client = login(world.head)

    page = text_of(client.get(reverse("portal:profile"), HTTP_ACCEPT_LANGUAGE="en"))

    assert '<html lang="fr">' in page
    assert "Mon profil" in page and "My profile" not in page
