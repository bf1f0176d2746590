"""Locust users of the demo municipality, doing what they do (``bench/loadtest/run`` starts it).

- Trust persons (tillit1–tillit6) read their worklist and write log entries, by the quick form and the full form
  (sometimes booking the next appointment).
- Service users (bruker1–bruker5) read Min side, their log, their plan and their messages.
- Partners (nav1, dps1, lege1) read the cases and plans of the users who consented.
- One leader (leder) reads the overview and, now and then, registers an absence for a trust person from today
  (the users are told at once: notifications), and takes it back the next time (told again).

Every answer is checked: the status, where a redirect goes, and for a form that it was saved (a form shown again
with an error is a failure). Users are spread over the hosts in ``LOADTEST_HOSTS``, so every web process gets
traffic. The servers run with ``DEBUG=0`` behind a pretend TLS proxy: each request carries
``X-Forwarded-Proto: https`` as the proxy would add, and a POST carries the ``Origin`` a browser would send
(Django checks it on HTTPS). The cookie jar sends the secure cookies over the plain HTTP that stands in for
the proxy's TLS (``BehindTlsProxy``).
"""

from __future__ import annotations

import datetime
import itertools
import os
import random
import re
import zoneinfo
from html import unescape
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode, urlsplit

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

HOSTS = [h.strip() for h in os.environ.get("LOADTEST_HOSTS", "http://127.0.0.1:8101").split(",") if h.strip()]
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo-passord")
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
# Think time between two actions. Real people pause far longer; this packs a busy morning into a minute.
THINK = (float(os.environ.get("LOADTEST_THINK_MIN", "1")), float(os.environ.get("LOADTEST_THINK_MAX", "3")))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next_host = itertools.count()
_next_login: dict[str, itertools.count] = {}


class CheckFailed(Exception):
    pass


class BehindTlsProxy(DefaultCookiePolicy):
    """A browser talks HTTPS to the proxy, so it sends the session and CSRF cookies marked ``Secure``; here the
    client talks plain HTTP on loopback to where the proxy would forward, and must send them all the same."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise CheckFailed("no CSRF token in the form")
    return match.group(1)


def ids(pattern: str, html: str) -> list[int]:
    return sorted({int(m) for m in re.findall(pattern, html)})


def oslo_now() -> datetime.datetime:
    return datetime.datetime.now(OSLO)


class Person(FastHttpUser):
    abstract = True
    host = HOSTS[0]
    wait_time = between(*THINK)
    logins: tuple[str, ...] = ()
    home = "/"

    def on_start(self) -> None:
        # Round-robin over the web processes, as the proxy would (every user sticks to one: keep-alive).
        self.base = HOSTS[next(_next_host) % len(HOSTS)]
        self.client.base_url = self.base
        self.client.cookiejar.set_policy(BehindTlsProxy())
        netloc = urlsplit(self.base).netloc
        self.origin = f"https://{netloc}"
        counter = _next_login.setdefault(type(self).__name__, itertools.count())
        self.username = self.logins[next(counter) % len(self.logins)]
        self.log_in()

    # --- requests that check their answer ----------------------------------------------------------------------

    def get(self, path: str, name: str, *, expect: int = 200, contains: str | None = None,
            location: str | None = None) -> str:
        return self._request("GET", path, name, None, expect, contains, location)

    def post(self, path: str, name: str, data: dict, *, location: str) -> str:
        """A form post that must succeed: a redirect to ``location`` (a prefix). A 200 is the form again."""
        return self._request("POST", path, name, data, 302, None, location)

    def _request(self, method, path, name, data, expect, contains, location) -> str:
        headers = {"X-Forwarded-Proto": "https"}
        body = None
        if data is not None:
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(data, doseq=True)
        with self.client.request(method, path, name=name, data=body, headers=headers, allow_redirects=False,
                                 catch_response=True) as response:
            text = response.text or ""
            if response.status_code != expect:
                hint = _error_hint(text) if response.status_code == 200 else ""
                response.failure(f"{response.status_code}, expected {expect}{hint}")
                raise CheckFailed(name)
            if location is not None:
                where = urlsplit(response.headers.get("Location", "")).path
                if not where.startswith(location):
                    response.failure(f"redirected to {where!r}, expected {location!r}")
                    raise CheckFailed(name)
                text = where
            if contains is not None and contains not in text:
                response.failure(f"the page does not say {contains!r}")
                raise CheckFailed(name)
            response.success()
            return text

    def log_in(self) -> None:
        form = self.get("/logg-inn/", "/logg-inn/ [GET]")
        data = {"csrfmiddlewaretoken": csrf_token(form), "username": self.username, "password": PASSWORD}
        self.post("/logg-inn/", "/logg-inn/ [POST]", data, location="/")
        self.get(self.home, self.home)


def _error_hint(html: str) -> str:
    """The first error message of a form shown again, for the failure report."""
    match = re.search(r'class="[^"]*(?:ds-validation-message|errorlist|ds-alert)[^"]*"[^>]*>(.*?)</', html, re.S)
    return f": {unescape(re.sub(r'<[^>]+>', ' ', match.group(1))).strip()[:120]}" if match else ""


def on_exception(fn):
    """A failed check is already reported as a failure of its request; the task just ends."""

    def run(self):
        try:
            fn(self)
        except CheckFailed:
            pass

    run.__name__ = fn.__name__
    return run


class TrustPerson(Person):
    weight = 5
    logins = tuple(f"tillit{i}" for i in range(1, 7))
    home = "/arbeidsliste/"
    KINDS = ("conversation", "home_visit", "outreach", "phone", "sms", "not_met")

    def on_start(self) -> None:
        super().on_start()
        self.read_worklist()

    @task(3)
    @on_exception
    def read_worklist(self) -> None:
        html = self.get("/arbeidsliste/", "/arbeidsliste/", contains="Min arbeidsliste")
        self.cases = ids(r'href="/saker/(\d+)/"', html) or getattr(self, "cases", [])

    def _when(self) -> str:
        # A few minutes ago, in Oslo time, as the form's date-and-time field sends it.
        return (oslo_now() - datetime.timedelta(minutes=random.randint(1, 90))).strftime("%Y-%m-%dT%H:%M")

    @task(3)
    @on_exception
    def quick_entry(self) -> None:
        if not self.cases:
            return
        case = random.choice(self.cases)
        form = self.get(f"/saker/{case}/logg/ny/", "/saker/[id]/logg/ny/ [GET]")
        data = {"csrfmiddlewaretoken": csrf_token(form), "kind": random.choice(self.KINDS), "started_at": self._when(),
                "duration_minutes": random.choice((10, 15, 30, 45, 60)), "note": "Lasttest: kort samtale."}
        self.post(f"/saker/{case}/logg/ny/", "/saker/[id]/logg/ny/ [POST]", data, location=f"/saker/{case}/logg/")
        self.get(f"/saker/{case}/logg/", "/saker/[id]/logg/", contains="Lagret i loggen.")

    @task(1)
    @on_exception
    def full_entry(self) -> None:
        if not self.cases:
            return
        case = random.choice(self.cases)
        form = self.get(f"/saker/{case}/logg/ny/detaljer/", "/saker/[id]/logg/ny/detaljer/ [GET]")
        data = {"csrfmiddlewaretoken": csrf_token(form), "kind": random.choice(self.KINDS), "started_at": self._when(),
                "duration_minutes": 45, "place": "Hjemme", "life_areas": ["bolig", "arbeid"][: random.randint(0, 2)],
                "note": "Lasttest: samtale om uka.", "agreed_next": "Ny samtale om en uke.", "next_place": "home"}
        if random.random() < 0.3:
            day = oslo_now().date() + datetime.timedelta(days=random.randint(8, 40))
            data |= {"next_day": day.isoformat(), "next_time": f"{random.randint(9, 15):02d}:{random.choice((0, 30)):02d}"}
        self.post(f"/saker/{case}/logg/ny/detaljer/", "/saker/[id]/logg/ny/detaljer/ [POST]", data,
                  location=f"/saker/{case}/logg/")
        self.get(f"/saker/{case}/logg/", "/saker/[id]/logg/", contains="Lagret i loggen")

    @task(1)
    @on_exception
    def read_case(self) -> None:
        if self.cases:
            self.get(f"/saker/{random.choice(self.cases)}/", "/saker/[id]/")


class ServiceUser(Person):
    weight = 3
    logins = tuple(f"bruker{i}" for i in range(1, 6))
    home = "/min-side/"

    @task(4)
    @on_exception
    def my_page(self) -> None:
        self.get("/min-side/", "/min-side/", contains="Min side")

    @task(1)
    @on_exception
    def my_log(self) -> None:
        self.get("/min-side/logg/", "/min-side/logg/")

    @task(1)
    @on_exception
    def my_plan(self) -> None:
        # A user without a plan is sent on to where the plan is offered or explained: any redirect on the site.
        with self.client.request("GET", "/planer/min-plan/", name="/planer/min-plan/", allow_redirects=False,
                                 headers={"X-Forwarded-Proto": "https"}, catch_response=True) as response:
            if response.status_code in (200, 302):
                response.success()
            else:
                response.failure(f"{response.status_code}, expected 200 or 302")

    @task(1)
    @on_exception
    def messages(self) -> None:
        self.get("/varsler/", "/varsler/")


class Partner(Person):
    weight = 2
    logins = ("nav1", "dps1", "lege1")
    home = "/partner/"

    def on_start(self) -> None:
        super().on_start()
        self.cases: list[int] = []
        self.plan_cases: list[int] = []  # cases whose page links to the plan (a consent with the plan scope)
        try:
            html = self.get("/partner/", "/partner/")
            for person in ids(r'href="/brukere/(\d+)/"', html):
                page = self.get(f"/brukere/{person}/", "/brukere/[id]/")
                self.cases += ids(r'href="/saker/(\d+)/"', page)
            for case in self.cases:
                if f'href="/planer/sak/{case}/"' in self.get(f"/saker/{case}/", "/saker/[id]/"):
                    self.plan_cases.append(case)
        except CheckFailed:
            pass

    @task(2)
    @on_exception
    def home_page(self) -> None:
        self.get("/partner/", "/partner/")

    @task(1)
    @on_exception
    def read_case(self) -> None:
        if self.cases:
            self.get(f"/saker/{random.choice(self.cases)}/", "/saker/[id]/")

    @task(3)
    @on_exception
    def read_plan(self) -> None:
        # Only where the case page offers the plan: without the plan scope the plan is not found (404), as the
        # gate decides (issue 12).
        if not self.plan_cases:
            return
        case = random.choice(self.plan_cases)
        with self.client.request("GET", f"/planer/sak/{case}/", name="/planer/sak/[id]/", allow_redirects=False,
                                 headers={"X-Forwarded-Proto": "https"}, catch_response=True) as response:
            if response.status_code == 200:
                response.success()
                return
            where = urlsplit(response.headers.get("Location", "")).path
            if response.status_code != 302 or not re.fullmatch(r"/planer/\d+/", where):
                response.failure(f"{response.status_code} to {where!r}, expected the plan or its page")
                return
            response.success()
        self.get(where, "/planer/[id]/")


class Leader(Person):
    fixed_count = 1
    wait_time = between(THINK[0] * 2, THINK[1] * 2)
    logins = ("leder",)
    home = "/leder/"
    # Trust persons with no absence today in the demo (tillit3 is sick today, tillit4 covers for her).
    ABSENT_IN_TURN = ("Sigrid Aune", "Amina Hussein", "Erik Strand")

    def on_start(self) -> None:
        super().on_start()
        self.turn = itertools.cycle(self.ABSENT_IN_TURN)
        self.registered: str | None = None

    @task(1)
    @on_exception
    def overview(self) -> None:
        self.get("/leder/", "/leder/")

    @task(1)
    @on_exception
    def coverage(self) -> None:
        self.get("/leder/dekning/", "/leder/dekning/")

    @task(3)
    @on_exception
    def absence(self) -> None:
        """Take back the absence registered last time, or register a new one from today."""
        if self.registered:
            self.take_back(self.registered)
        else:
            self.register(next(self.turn))

    def register(self, name: str) -> None:
        form = self.get("/fravaer/ny/", "/fravaer/ny/ [GET]")
        match = re.search(r'<option value="(\d+)">' + re.escape(name) + "</option>", form)
        if not match:
            raise CheckFailed(f"{name} is not in the list")
        today = oslo_now().date().isoformat()
        data = {"csrfmiddlewaretoken": csrf_token(form), "person": match.group(1), "kind": "kurs",
                "starts_on": today, "ends_on": today, "note": "Lasttest", "announce_return": ""}
        # Step one: the preview (the same form with the appointments in the period and a confirm button).
        preview = self._request("POST", "/fravaer/ny/", "/fravaer/ny/ [POST preview]", data, 200, 'name="confirm"',
                                None)
        decisions = dict(re.findall(r'name="(decision_\d+)" value="(\w+)"[^>]*checked', preview))
        data |= decisions | {"csrfmiddlewaretoken": csrf_token(preview), "confirm": "1"}
        self.post("/fravaer/ny/", "/fravaer/ny/ [POST confirm]", data, location="/fravaer/")
        self.get("/fravaer/", "/fravaer/", contains="Fraværet er registrert")
        self.registered = name

    def take_back(self, name: str) -> None:
        html = self.get("/fravaer/", "/fravaer/")
        # The row of that person (one cell per column up to its own «Slett» form), not the next row's.
        row = re.search(r'<th scope="row">' + re.escape(name) + r'</th>(?:(?!</tr>).)*?action="(/fravaer/\d+/slett/)"',
                        html, re.S)
        if not row:
            raise CheckFailed(f"no absence to take back for {name}")
        self.post(row.group(1), "/fravaer/[id]/slett/ [POST]", {"csrfmiddlewaretoken": csrf_token(html)},
                  location="/fravaer/")
        self.registered = None
        self.get("/fravaer/", "/fravaer/", contains="Fraværet er slettet")
