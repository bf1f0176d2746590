"""The permission-matrix driver: one way to state and check who may do what, used by every matrix file.

A *matrix* is a table in a test module, one row per persona and one column per action; each cell is the outcome
that persona must get. The personas are the shared world's (``tests/conftest.py``) plus any a matrix adds. The
reading is the access gate's (``koordinator/access.py``, DESIGN.md rule 1): outside the view gate is a 404, visible
but not changeable is a 403, anonymous is a 401 in the API and sent to log in on a page.

Cell values:

* ``200`` ``201`` ``204`` ``302`` ``400`` ``401`` ``403`` ``404`` ``405`` … — the status code. On a page, ``302``
  is a form that was saved (a redirect that is not to the log-in page).
* ``302=`` (any status with ``=``) — that status, and the database as it was: a write that, for this persona,
  has nothing to do (marking *someone else's* message read, say).
* ``login`` — a page that sends the persona to log in (302 to the log-in page).
* ``yes`` / ``no`` — a list answered 200 that does / does not show the matrix's object: in the API, its id in
  ``results``; on a page, the action's ``marker`` text in the page.

What every cell checks besides the status (the union of what the matrix files checked before this driver):

* An API answer of 400 or more has a ``detail`` message.
* A read (``logs_read``): one entry in the owner's access log for a read by anyone but the owner, on the owner's
  service user; none for a refused read, nor for a read by the owner (``logs_read=False``: never one).
* A write (any method but GET): when it succeeds (``200``/``201``/``204`` in the API, ``302`` on a page) the
  history grows (``history_of``: that object's own history; ``grows``: one of these models' history), ``creates``
  gets exactly one row more, and ``done`` holds. When it is refused (anything else, and ``302=``), *nothing* in the
  database changed: no row and no history row in any table of koordinator, plans and meetings (a log-in's
  ``last_login`` aside, and the access log when the answer is a page shown again, 200: that is a read).
* ``kept``: a value (a version, a count) that every request but a successful write leaves as it was.
* A page with a ``marker`` answered ``200`` shows it.

Each cell is one request with a fresh log-in (:func:`run`, which returns what is wrong with the answer, naming the
persona, the method, the URL and the expected and actual outcome). A matrix file runs each table in one test:
``@pytest.mark.parametrize("table", tables(...))`` and :func:`check_table`. The world and the matrix's objects are
built once for the table (that was most of a cell's cost when each cell was a test of its own); each cell runs in a
savepoint that is rolled back afterwards, so every cell starts from the same state, and every wrong cell is reported
at once.

Coverage: an :class:`Action` names its route (the URL name), and its URL is built from it with ``reverse``; every
:class:`Table` at module level of a ``test_*matrix*.py`` module counts for ``tests/test_matrix_coverage.py``, which
fails when an API route or app page has no column in any matrix.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from koordinator.models import AccessEvent, ServiceUser
from tests.conftest import World, login

# The shared world's personas in the order every table lists them (a matrix may add its own in between).
PERSONAS = [
    "trust_person",
    "other_trust_person",
    "deputy",
    "leader",
    "other_leader",
    "partner_valid",
    "partner_org_member",
    "partner_none",
    "partner_expired",
    "partner_withdrawn",
    "partner_wrong_scope",
    "owner",
    "other_owner",
    "admin",
    "anonymous",
]

SUCCESS = {"api": {"200", "201", "204"}, "page": {"302"}}
READ_METHODS = ("get", "head")


def parse(table: str, personas: Sequence[str] = PERSONAS) -> dict[str, dict[str, str]]:
    """A table as ``{persona: {column: expected}}``; every persona must have exactly one row, in order."""
    lines = [line.split() for line in textwrap.dedent(table).strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    assert header[0] == "persona", "a table starts with a header line: persona, then the columns"
    parsed = {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows}
    assert list(parsed) == list(personas), f"every persona, once, in the usual order: {list(personas)}"
    return parsed


# --- what a matrix is made of --------------------------------------------------------------------------------


@dataclass
class Scene:
    """What a matrix's cells run against: the world, the matrix's own objects, and its extra personas.

    ``extra`` maps a persona to a function that returns its user; it may set something up first (a persona that
    is the user *chairing* their group, a doctor *after* opening emergency access), so it is called inside the
    cell, after ``Action.before``.
    """

    world: World
    o: Any = None
    extra: dict[str, Callable[[Scene], Any]] = field(default_factory=dict)
    _made: dict[str, Any] = field(default_factory=dict, repr=False)

    def once(self, key: str, make: Callable[[Scene], Any]) -> Any:
        """``make(scene)`` the first time a cell asks for ``key``; the same object after that."""
        if key not in self._made:
            self._made[key] = make(self)
        return self._made[key]

    @property
    def owner_su(self) -> ServiceUser:
        return self.world.owner_su

    def user(self, persona: str):
        if persona in self.extra:
            return self.extra[persona](self)
        return self.world.persona(persona)


Fn = Callable[[Scene], Any]


@dataclass(frozen=True)
class Action:
    """One request a matrix makes: a route (URL name), a method, and what to check beyond the status code.

    ``args`` gives the URL's arguments and ``data`` the body (JSON in the API, a form on a page); ``query`` a
    query string. ``target`` is the object a list is asked about (``yes``/``no``); ``marker`` the text a page
    shows when the persona sees the object. ``before`` sets up state just before the request (ending the case
    before a new one is made, say). See the module docstring for ``logs_read``, ``creates``, ``history_of``,
    ``done`` and ``kept``. ``writes`` says whether the request is a write (by default: any method but GET).
    """

    route: str
    method: str = "get"
    args: Fn | None = None
    data: Fn | None = None
    query: Fn | None = None
    target: Fn | None = None
    marker: str | None = None
    before: Fn | None = None
    logs_read: bool | None = None
    creates: type | None = None
    history_of: Fn | None = None
    grows: tuple[type, ...] = ()
    done: Fn | None = None
    kept: Fn | None = None
    writes: bool | None = None

    @property
    def api(self) -> bool:
        """The API's routes (``api-…``) and the FHIR API's (``fhir-…``): an API client, the API's access log."""
        return self.route.startswith(("api-", "fhir-"))

    @property
    def fhir(self) -> bool:
        """A FHIR route: a list is a Bundle of resources, an error an ``OperationOutcome`` (not ``detail``)."""
        return self.route.startswith("fhir-")

    @property
    def is_write(self) -> bool:
        return self.method not in READ_METHODS if self.writes is None else self.writes

    def url(self, scene: Scene) -> str:
        url = reverse(self.route, args=list(self.args(scene)) if self.args else None)
        if self.query:
            url += "?" + urlencode(self.query(scene))
        return url


@dataclass
class Table:
    """A matrix: the table (personas × columns) and the action behind each column.

    ``name`` prefixes the test ids; ``personas`` is the row order the table must have.
    """

    name: str
    text: str
    actions: dict[str, Action]
    personas: Sequence[str] = tuple(PERSONAS)

    def __post_init__(self) -> None:
        columns = next(iter(self.rows.values())).keys()
        assert list(columns) == list(self.actions), f"{self.name}: the columns are {list(columns)}, " \
                                                    f"the actions {list(self.actions)}"

    @property
    def rows(self) -> dict[str, dict[str, str]]:
        return parse(self.text, self.personas)

    @property
    def routes(self) -> set[str]:
        return {action.route for action in self.actions.values()}


def tables(*tables: Table) -> list:
    """One ``pytest.param(table)`` per table, for a test per table (:func:`check_table`)."""
    return [pytest.param(table, id=table.name) for table in tables]


# --- running a cell --------------------------------------------------------------------------------------------

_COUNT_SQL: str | None = None
_TABLES: list[tuple[str, bool, bool]] = []  # (db table, is history, counts as a change when a write succeeds)


def _tables() -> list[tuple[str, bool, bool]]:
    if not _TABLES:
        for model in apps.get_models():
            if model._meta.app_label not in ("koordinator", "plans", "meetings", "outcomes", "reach", "retention",
                                             "exchange"):
                continue
            is_history = model.__name__.startswith("Historical")
            base = model.__name__.removeprefix("Historical")
            # A read's access event and a log-in's ``last_login`` are not what a write changed.
            _TABLES.append((model._meta.db_table, is_history, base not in ("AccessEvent", "User")))
    return _TABLES


def _counts() -> dict[str, int]:
    """Rows in every table of the three apps (history tables included), in one query."""
    global _COUNT_SQL
    tables = _tables()
    if _COUNT_SQL is None:
        q = connection.ops.quote_name
        _COUNT_SQL = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {q(t)})" for t, _h, _c in tables)
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL)
        values = cursor.fetchone()
    return {t: v for (t, _h, _c), v in zip(tables, values, strict=True)}


def _history_rows(counts: dict[str, int]) -> int:
    return sum(counts[t] for t, is_history, counts_as_change in _tables() if is_history and counts_as_change)


def _api_reads() -> int:
    return AccessEvent.objects.filter(channel=AccessEvent.Channel.API).count()


def _web_reads() -> int:
    return AccessEvent.objects.filter(channel=AccessEvent.Channel.WEB).count()


def _body(response) -> str:
    content = getattr(response, "content", b"")
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "<pdf>"
    text = content.decode(errors="replace")
    return text[:300] + ("…" if len(text) > 300 else "")


def _outcome(response) -> str:
    if response.status_code in (301, 302, 303):
        return f"{response.status_code} → {response.get('Location', '')}"
    return str(response.status_code)


def run(scene: Scene, persona: str, action: Action, expected: str) -> list[str]:
    """Make the request as ``persona`` and return what is wrong with the answer (empty when the cell holds)."""
    if action.before:
        action.before(scene)
    user = scene.user(persona)
    client = login(APIClient() if action.api else Client(), user)
    url = action.url(scene)
    data = action.data(scene) if action.data else None
    target = action.target(scene) if action.target else None
    kind = "api" if action.api else "page"
    where = f"{persona}: {action.method.upper()} {url}"
    problems: list[str] = []

    def wrong(what: str) -> None:
        problems.append(f"{where}: {what}")

    if expected not in ("yes", "no", "login") and not expected.removesuffix("=").isdigit():
        raise AssertionError(f"{where}: «{expected}» is not a cell value (a status code, login, yes or no)")
    # «302=»: this status, and the database as it was (a write with nothing to do for this persona).
    status = expected.removesuffix("=")
    is_write = action.is_write
    reads_before = (_api_reads() if action.api else _web_reads()) if action.logs_read is not None else 0
    counts_before = _counts() if is_write else None
    created_before = action.creates._default_manager.count() if action.creates else 0
    own_history_before = action.history_of(scene).history.count() if action.history_of else 0
    kept_before = action.kept(scene) if action.kept else None

    send = getattr(client, action.method)
    if action.api:
        response = send(url, data, format="json") if data is not None else send(url, format="json")
    else:
        response = send(url, data) if data is not None else send(url)
    got = _outcome(response)

    # The status.
    if expected in ("yes", "no"):
        if response.status_code != 200:
            wrong(f"expected 200 with the object {'listed' if expected == 'yes' else 'not listed'}, got {got}")
        elif action.api:
            if action.fhir:  # a Bundle; ``target`` is the resource's FHIR id, or an object whose pk is
                ids = {entry["resource"]["id"] for entry in response.json().get("entry", [])}
                pk = str(getattr(target, "pk", target))
            else:
                ids = {item["id"] for item in response.json()["results"]}
                pk = target.pk
            if ("yes" if pk in ids else "no") != expected:
                wrong(f"expected {expected} (is id {pk} in the list?), got ids {sorted(ids)}")
        else:
            shown = action.marker in response.content.decode()
            if ("yes" if shown else "no") != expected:
                wrong(f"expected {expected} (does the page show «{action.marker}»?), got {'yes' if shown else 'no'}")
    elif expected == "login":
        if response.status_code != 302 or not response["Location"].startswith(reverse("login")):
            wrong(f"expected to be sent to log in, got {got}")
    elif str(response.status_code) != status:
        wrong(f"expected {expected}, got {got}: {_body(response)}")
    elif status == "302" and response["Location"].startswith(reverse("login")):
        wrong(f"expected a redirect, got sent to log in ({got})")

    # An API error says what is wrong.
    if action.api and response.status_code >= 400:
        try:
            body = response.json()
            has_detail = ("detail" in body) if not action.fhir else (
                body.get("resourceType") == "OperationOutcome" and bool(body["issue"][0]["details"]["text"]))
        except (ValueError, json.JSONDecodeError):
            has_detail = False
        if not has_detail:
            wrong(f"a {response.status_code} from the API without «detail»: {_body(response)}")

    # A page that shows the object says so.
    if action.marker and expected == "200" and action.method in READ_METHODS:
        if action.marker not in response.content.decode():
            wrong(f"answered 200 but does not show «{action.marker}»")

    # The owner's access log.
    if action.logs_read is not None:
        logged = (_api_reads() if action.api else _web_reads()) - reads_before
        by_owner = user is not None and scene.owner_su.user_id == user.pk
        should = 1 if action.logs_read and status in ("200", "yes", "no") and not by_owner else 0
        if logged != should:
            wrong(f"expected {should} read(s) in the access log, got {logged}")
        elif logged:
            event = AccessEvent.objects.latest("pk")
            if event.service_user_id != scene.owner_su.pk:
                wrong(f"the read was logged on service user {event.service_user_id}, not the owner's")

    # A write: done, or nothing changed.
    if is_write:
        counts_after = _counts()
        succeeded = expected in SUCCESS[kind]
        if succeeded:
            if _history_rows(counts_after) <= _history_rows(counts_before):
                wrong("answered as expected, but no history row was written")
            if action.creates:
                made = action.creates._default_manager.count() - created_before
                if made != 1:
                    wrong(f"expected exactly one new {action.creates.__name__}, got {made}")
            if action.history_of and action.history_of(scene).history.count() <= own_history_before:
                wrong("answered as expected, but the object's own history did not grow")
            if action.grows:
                tables = [model.history.model._meta.db_table for model in action.grows]
                if sum(counts_after[t] for t in tables) <= sum(counts_before[t] for t in tables):
                    wrong(f"answered as expected, but no history row in {[m.__name__ for m in action.grows]}")
            if action.done and not action.done(scene):
                wrong("answered as expected, but the change is not there")
        else:
            changed = {
                t: counts_after[t] - counts_before[t] for t in counts_before if counts_after[t] != counts_before[t]
            }
            for table in _USER_TABLES:  # a log-in's last_login is not the request's doing
                changed.pop(table, None)
            if response.status_code == 200:  # the form shown again is a read, and may be logged as one
                for table in _ACCESS_TABLES:
                    changed.pop(table, None)
            if changed:
                wrong(f"a refused write changed the database: {changed}")
    if action.kept and not (is_write and expected in SUCCESS[kind]):
        kept_after = action.kept(scene)
        if kept_after != kept_before:
            wrong(f"expected {kept_before!r} to be left alone, it is now {kept_after!r}")
    return problems


_USER_TABLES = ("koordinator_user", "koordinator_historicaluser")
_ACCESS_TABLES = ("koordinator_accessevent", "koordinator_historicalaccessevent")


class _Rollback(Exception):
    pass


def isolated(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in a savepoint that is rolled back afterwards, and return its result."""
    try:
        with transaction.atomic():
            result = fn()
            raise _Rollback(result)
    except _Rollback as rolled_back:
        return rolled_back.args[0]


def check_cells(scene: Scene, cells: Iterable[tuple[str, Action, str]]) -> None:
    """Several cells in one test, each from the same starting state (rolled back after); every wrong one reported."""
    problems: list[str] = []
    for persona, action, expected in cells:
        def one(persona=persona, action=action, expected=expected) -> list[str]:
            try:
                return run(scene, persona, action, expected)
            except Exception as error:  # noqa: BLE001 — one broken cell must not hide the others
                return [f"{persona}: {action.method.upper()} {action.route}: raised {error!r}"]
        made = dict(scene._made)
        problems += isolated(one)
        scene._made = made  # what the cell made was rolled back with it
    assert not problems, f"{len(problems)} cell(s) wrong:\n" + "\n".join(problems)


def check_table(scene: Scene, table: Table) -> None:
    """Every cell of a table, column by column, in one test: one world for the whole table (see
    :func:`check_cells`); a wrong cell is reported with its persona, method and URL."""
    check_cells(scene, [
        (persona, action, table.rows[persona][column])
        for column, action in table.actions.items()
        for persona in table.rows
    ])
