"""The English catalog: complete, compiled, used by the pages, and in step with the strings in the code.

Norwegian bokmål is the source language of every msgid; English is the second language, chosen with the
footer's language switch. A string added to the code without an English translation would show up in
Norwegian on an English page, so these tests catch it before it ships.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# The same folders the catalog is made without (see the makemessages command in the lead's notes).
NOT_SCANNED = {".venv", "node_modules", "staticfiles", "tests", "locale", "var", ".git", "__pycache__"}


# --- a small .po reader (polib is not a project dependency) -------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a quoted .po string: {text!r}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every live entry of a .po file, header included; obsolete ("#~") entries are left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # which string a continuation line adds to

    def start_new() -> Entry:
        entry = Entry()
        entries.append(entry)
        return entry

    pending_flags: set[str] = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            raise AssertionError("msgctxt is not used in this project; teach read_po about it first")
        elif line.startswith("msgid_plural "):
            assert current is not None
            current.msgid_plural = _unquote(line[len("msgid_plural ") :])
            target = ("msgid_plural", 0)
        elif line.startswith("msgid "):
            current = start_new()
            current.flags, pending_flags = pending_flags, set()
            current.msgid = _unquote(line[len("msgid ") :])
            target = ("msgid", 0)
        elif line.startswith("msgstr["):
            assert current is not None
            index, _, rest = line[len("msgstr[") :].partition("]")
            current.msgstr[int(index)] = _unquote(rest)
            target = ("msgstr", int(index))
        elif line.startswith("msgstr "):
            assert current is not None
            current.msgstr[0] = _unquote(line[len("msgstr ") :])
            target = ("msgstr", 0)
        elif line.startswith('"'):
            assert current is not None and target is not None
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index] += _unquote(line)
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + _unquote(line)
            else:
                current.msgid += _unquote(line)
        else:
            raise AssertionError(f"unexpected line in {path.name}: {raw!r}")
    return entries


def messages(path: Path) -> list[Entry]:
    """The translatable entries: everything except the header (the entry with an empty msgid)."""
    return [entry for entry in read_po(path) if entry.msgid]


# --- (a) the committed catalog is complete ------------------------------------------------------------------


def test_the_english_catalog_and_its_compiled_file_exist():
    assert PO_PATH.is_file()
    assert MO_PATH.is_file(), "run `manage.py compilemessages -l en` and commit django.mo"
    assert len(messages(PO_PATH)) > 100


def test_every_entry_in_the_english_catalog_is_translated_and_none_is_fuzzy():
    entries = read_po(PO_PATH)
    header = entries[0]
    assert header.msgid == "" and "Language: en" in header.msgstr[0]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    empty = [
        entry.msgid
        for entry in entries[1:]
        if not entry.msgstr or any(not text.strip() for text in entry.msgstr.values())
    ]
    assert fuzzy == [], f"fuzzy entries are ignored by gettext; check and unmark them: {fuzzy}"
    assert empty == [], f"untranslated entries: {empty}"


def test_plural_entries_have_both_english_forms():
    plurals = [entry for entry in messages(PO_PATH) if entry.msgid_plural is not None]
    assert plurals, "the catalog is expected to hold at least the unread-notifications plural"
    for entry in plurals:
        assert sorted(entry.msgstr) == [0, 1], entry.msgid


_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|</?[a-z][^>]*>")


def test_translations_keep_every_placeholder_and_html_tag_of_the_norwegian_text():
    for entry in messages(PO_PATH):
        source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
        wanted = sorted(set(_PLACEHOLDER.findall(source)))
        for text in entry.msgstr.values():
            assert sorted(set(_PLACEHOLDER.findall(text))) == wanted, (entry.msgid, text)


# --- (b) the compiled catalog is the one Django uses ---------------------------------------------------------


def test_key_strings_are_english_when_english_is_active():
    with translation.override("en"):
        assert gettext("Min arbeidsliste") == "My worklist"
        assert gettext("Logg ut") == "Log out"
        assert gettext("Min side") == "My page"
        assert gettext("Hvem har sett opplysningene mine") == "Who has seen my information"
        assert ngettext("%(counter)s ulest varsel", "%(counter)s uleste varsler", 1) % {"counter": 1} == (
            "1 unread notification"
        )
        assert ngettext("%(counter)s ulest varsel", "%(counter)s uleste varsler", 3) % {"counter": 3} == (
            "3 unread notifications"
        )


def test_the_same_strings_stay_norwegian_when_norwegian_is_active():
    with translation.override("nb"):
        assert gettext("Min arbeidsliste") == "Min arbeidsliste"
        assert gettext("Logg ut") == "Logg ut"


def test_the_compiled_file_matches_the_catalog():
    # Fails when someone edits django.po and forgets compilemessages: the .mo is what Django reads.
    stale = []
    with translation.override("en"):
        for entry in messages(PO_PATH):
            if entry.msgid_plural is None:
                got = gettext(entry.msgid)
                if got != entry.msgstr[0]:
                    stale.append((entry.msgid, got))
            else:
                for n, index in ((1, 0), (2, 1)):
                    got = ngettext(entry.msgid, entry.msgid_plural, n)
                    if got != entry.msgstr[index]:
                        stale.append((entry.msgid, got))
    assert stale == [], f"django.mo is out of date; run compilemessages: {stale[:5]}"


# --- (c) the language switch ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_log_in_page_is_norwegian_by_default(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="nb"' in html
    assert ">Logg inn</h1>" in html
    assert "Log in" not in html


@pytest.mark.django_db
def test_a_browser_set_to_english_still_gets_norwegian_until_english_is_chosen(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="nb"' in html
    assert ">Logg inn</h1>" in html


@pytest.mark.django_db
def test_the_log_in_page_is_english_after_choosing_english_in_the_footer(client):
    login_url = reverse("login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login_url})
    assert response.status_code == 302
    assert response["Location"] == login_url

    html = client.get(login_url).content.decode()
    assert '<html lang="en"' in html
    assert ">Log in</h1>" in html
    assert "Skip to main content" in html
    assert ">Logg inn</h1>" not in html


@pytest.mark.django_db
def test_choosing_norwegian_again_switches_the_pages_back(client):
    client.post(reverse("set_language"), {"language": "en"})
    client.post(reverse("set_language"), {"language": "nb"})
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="nb"' in html
    assert ">Logg inn</h1>" in html


# --- (d) the catalog is in step with the code ----------------------------------------------------------------


def _copy_sources(destination: Path) -> None:
    """Copy the project without the folders makemessages is told to ignore (and without the catalog)."""
    base = Path(settings.BASE_DIR)
    for child in base.iterdir():
        if child.name in NOT_SCANNED or child.name.startswith("."):
            continue
        if child.is_dir():
            shutil.copytree(child, destination / child.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(child, destination / child.name)


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="xgettext (GNU gettext) is not installed, so new untranslated strings are not checked",
)
def test_every_string_in_the_code_is_in_the_committed_english_catalog(tmp_path, monkeypatch, settings):
    # makemessages writes next to the code it scans, so it runs on a copy of the project: the committed
    # catalog is never touched. LOCALE_PATHS points at the copy's (empty) locale folder.
    source = tmp_path / "project"
    source.mkdir()
    _copy_sources(source)
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)

    call_command("makemessages", locale=["en"], no_location=True, verbosity=0)

    fresh = source / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert fresh.is_file()
    found = {entry.msgid for entry in messages(fresh)}
    committed = {entry.msgid for entry in messages(PO_PATH)}
    assert len(found) > 100, "makemessages found suspiciously few strings; is the copy complete?"
    missing = sorted(found - committed)
    assert missing == [], (
        f"{len(missing)} string(s) in the code are not in locale/en/LC_MESSAGES/django.po. Run "
        "`manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles "
        f"--ignore=tests --no-location`, translate them and run compilemessages. Missing: {missing}"
    )
