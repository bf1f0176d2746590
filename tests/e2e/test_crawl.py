"""Every demo role, on a 375 px phone, follows every link it is shown (issue 12: «a link shown to someone must work
for them»; «Done when»: a test crawls every demo role's pages at 375 px).

For each demo login the crawler logs in through the form and walks breadth-first from the home page over every
same-origin link it is shown:

* every page answers 200 (no link shown to someone may 404, 403 or 405 for them, nor send them to the log-in page);
* a page fits the phone: ``document.documentElement.scrollWidth <= 375`` (a wide table inside its own scroll
  container that fits does not widen the page, so it passes); the failure names what sticks out;
* axe-core finds nothing serious or critical, with the app's CSP on (``axe_violations``, as the other browser tests).

Bounded: URLs are grouped by pattern (numeric ids and tokens collapsed, query values dropped, the admin site's
query strings dropped), so ``/saker/12/`` and ``/saker/13/`` are one pattern, and new patterns are visited first.
The first page of a pattern for each kind of person is opened in the browser and gets the width and axe checks; the
kind's other logins (the same pages with other data, and pages of their own) fetch it for its status and its links,
as they do for two more pages of any pattern (a partner's case pages differ by what each owner consented to).
Downloads (PDF, calendar, a ``download`` link) and the API are fetched and only their status is checked. Nothing is
submitted: forms are never sent (log-out and the language switch are forms, not links). Every failure is collected,
and each kind's test lists all of its failures, by login and page, at the end (``-s`` shows how far each walk went).

About four minutes for the file on two busy cores (most of it axe and the browser for the trust person and the
leader, who reach about 80 patterns each).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

from tests.e2e.browser import axe_violations, describe, login

WIDTH = 375
PHONE = {"viewport": {"width": WIDTH, "height": 667}, "is_mobile": True, "has_touch": True}

# Every kind of person in the demo (demo/core.py), with the logins whose pages differ: who covers, who is away, whose
# case has ended, what each partner was let see, the emergency doctor, the other municipality.
KINDS = {
    "tillitsperson": ("tillit1", "tillit4"),  # tillit1 covers for tillit2; tillit4 covers tillit3 today, bruker5 ended
    "leder": ("leder", "leder_malvik"),
    "bruker": ("bruker1", "bruker3", "bruker4", "bruker5"),  # plan and group; intake; contact sick; case ended
    "partner": ("nav1", "dps1", "lege1"),
    "legevakt": ("legevakt1",),  # the crisis plan with a stated reason
    "administrator": ("admin",),  # accounts and organisations (the admin site)
}

MAX_PATTERNS = 80  # patterns per login (each in the browser once per kind, else fetched)
MAX_FETCHED = 30  # further pages of a pattern already seen, fetched per login for their status and links
MAX_PER_PATTERN = 3  # pages per pattern and login: the first, and two more fetched
MAX_DOWNLOADS = 20  # downloads and API URLs status-checked per login

DOWNLOAD_SUFFIXES = (".pdf", ".ics", ".csv", ".json", ".txt", ".xml", ".zip")
STATUS_ONLY_PREFIXES = ("/api/",)  # JSON: only the status
NOT_FOLLOWED_PREFIXES = ("/static/", "/media/", "/logg-ut/", "/i18n/", "/__e2e__/")
QUERY_BLIND_PREFIXES = ("/admin/",)  # the admin site's sorting and filter links are the same page

ID = re.compile(r"^\d+$")
TOKEN = re.compile(r"^(?=.*\d)[A-Za-z0-9_:-]{20,}$")  # a signed or random token (a slug has no digit)

LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]')).map(a => ({
    href: a.href, download: a.hasAttribute('download'),
    text: (a.innerText || a.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ')
}))"""

# The width, and what makes the page wider than the phone: the outermost elements past its right edge that are not
# inside a scroll container (those scroll in it and do not widen the page).
OVERFLOW_JS = """(width) => {
    const page = document.documentElement.scrollWidth;
    if (page <= width) return {width: page, culprits: []};
    const clipped = el => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
        }
        return false;
    };
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    const wide = new Set();
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right <= width + 1 || r.width === 0 || clipped(el)) continue;
        wide.add(el);
        if (!wide.has(el.parentElement)) culprits.push(
            `${name(el)} to ${Math.round(r.right)} px «${(el.innerText || '').trim().slice(0, 50).replace(/\\s+/g, ' ')}»`);
    }
    return {width: page, culprits: culprits.slice(0, 3)};
}"""


def pattern(path: str, query: str = "") -> str:
    """``/saker/12/logg/?side=2`` -> ``/saker/<id>/logg/?side``: ids and tokens collapsed, query values dropped."""
    parts = ["<id>" if ID.match(p) else "<token>" if TOKEN.match(p) else p for p in path.split("/")]
    keys = sorted({key for key, _value in parse_qsl(query, keep_blank_values=True)})
    if path.startswith(QUERY_BLIND_PREFIXES):
        keys = []
    return "/".join(parts) + (f"?{'&'.join(keys)}" if keys else "")


def pattern_of(url: str) -> str:
    parts = urlsplit(url)
    return pattern(parts.path, parts.query)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


class _Links(HTMLParser):
    """The links in a page fetched without the browser: (href, download, text)."""

    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            values = dict(attrs)
            if values.get("href"):
                self._open = {"href": values["href"], "download": "download" in values,
                              "text": values.get("aria-label") or ""}
                self.links.append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] = " ".join(f"{self._open['text']} {data}".split())

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None


@dataclass
class Crawl:
    """One login's walk; ``kind_rendered`` (the patterns opened in the browser) and ``failures`` are shared by the
    logins of a kind."""

    origin: str
    username: str
    kind_rendered: set[str]
    failures: list[str]
    seen: set[str] = field(default_factory=set)  # URLs queued (path and query)
    opened: dict[str, int] = field(default_factory=dict)  # pattern -> pages visited
    queue: deque = field(default_factory=deque)  # (kind, url, the page it was found on, the link's text)
    later: deque = field(default_factory=deque)  # pages of a pattern already visited: after the new ones
    rendered: int = 0
    fetched: int = 0
    downloads: int = 0

    def fail(self, where: str, kind: str, detail: str) -> None:
        self.failures.append(f"{self.username} {where}  [{kind}] {detail}")

    def add(self, href: str, found_on: str, text: str, download: bool = False) -> None:
        url = urlsplit(href)
        if f"{url.scheme}://{url.netloc}" != self.origin or url.path.startswith(NOT_FOLLOWED_PREFIXES):
            return  # another site, mailto:, tel:, a file, log-out
        key = path_of(href)
        if key in self.seen:
            return
        self.seen.add(key)
        status_only = download or url.path.endswith(DOWNLOAD_SUFFIXES) or url.path.startswith(STATUS_ONLY_PREFIXES)
        self.queue.append(("download" if status_only else "page", key, found_on, text[:60]))

    def add_all(self, links: list[dict], base: str, found_on: str) -> None:
        for link in links:
            self.add(urljoin(base, link["href"]), found_on, link["text"], link["download"])


def _download(page, crawl: Crawl, key: str, found_on: str, text: str) -> None:
    if crawl.downloads >= MAX_DOWNLOADS:
        return
    crawl.downloads += 1
    response = page.request.get(key)
    if response.status != 200:
        crawl.fail(found_on, f"link {response.status}", f"«{text}» -> {key}")


def _answered(crawl: Crawl, status: int, final_url: str, key: str, found_on: str, text: str) -> bool:
    """Did the link answer 200 on a page that is not the log-in page? Otherwise note it."""
    if status != 200:
        crawl.fail(found_on, f"link {status}", f"«{text}» -> {key}")
        return False
    if urlsplit(final_url).path.startswith("/logg-inn/"):
        crawl.fail(found_on, "link to log-in", f"«{text}» -> {key} sends a logged-in person to the log-in page")
        return False
    return True


def _render(page, crawl: Crawl, key: str, found_on: str, text: str) -> None:
    """The first page of a pattern for the kind: in the browser, with the width check and axe."""
    crawl.rendered += 1
    try:
        response = page.goto(key)
    except Exception as error:  # noqa: BLE001 - a download not marked as one is only status-checked
        if "Download is starting" in str(error):
            _download(page, crawl, key, found_on, text)
        else:
            crawl.fail(found_on, "link broken", f"«{text}» -> {key}: {str(error).splitlines()[0]}")
        return
    status = response.status if response is not None else 0
    if not _answered(crawl, status, page.url, key, found_on, text):
        return
    if "text/html" not in (response.headers.get("content-type") or ""):
        return
    where = path_of(page.url)
    crawl.seen.add(where)
    landed = pattern_of(page.url)  # after a redirect (``/planer/sak/3/`` opens ``/planer/7/``)
    crawl.opened.setdefault(landed, 1)
    checked = landed in crawl.kind_rendered  # a redirect to a page already checked for the kind
    crawl.kind_rendered |= {pattern_of(key), landed}
    if not checked:
        overflow = page.evaluate(OVERFLOW_JS, WIDTH)
        if overflow["width"] > WIDTH:
            crawl.fail(where, "overflow", f"{overflow['width']} px wide: {'; '.join(overflow['culprits'])}")
        violations = axe_violations(page)
        if violations:
            crawl.fail(where, "axe", describe(violations).replace("\n", "\n        "))
    crawl.add_all(page.evaluate(LINKS_JS), page.url, where)


def _fetch(page, crawl: Crawl, key: str, found_on: str, text: str) -> None:
    """A page of a pattern already in the browser: its status, and its links (without the browser)."""
    response = page.request.get(key)
    if not _answered(crawl, response.status, response.url, key, found_on, text):
        return
    if "text/html" not in (response.headers.get("content-type") or ""):
        return
    crawl.opened.setdefault(pattern_of(response.url), 1)
    parser = _Links()
    parser.feed(response.text())
    crawl.add_all(parser.links, response.url, path_of(response.url))


def _visit(page, crawl: Crawl, key: str, found_on: str, text: str) -> None:
    kind = pattern_of(key)
    count = crawl.opened.get(kind, 0)
    if count == 0 and len(crawl.opened) < MAX_PATTERNS:
        crawl.opened[kind] = 1
        if kind in crawl.kind_rendered:  # another login of the kind has had it in the browser: status and links
            _fetch(page, crawl, key, found_on, text)
        else:
            _render(page, crawl, key, found_on, text)
    elif 0 < count < MAX_PER_PATTERN and crawl.fetched < MAX_FETCHED:
        crawl.opened[kind] = count + 1
        crawl.fetched += 1
        _fetch(page, crawl, key, found_on, text)


def crawl_as(page, origin: str, username: str, kind_rendered: set[str], failures: list[str]) -> Crawl:
    login(page, username)
    crawl = Crawl(origin=origin, username=username, kind_rendered=kind_rendered, failures=failures)
    crawl.add(f"{origin}/", "(start)", "home")
    while crawl.queue or crawl.later:
        from_queue = bool(crawl.queue)
        kind, key, found_on, text = (crawl.queue if from_queue else crawl.later).popleft()
        if kind == "download":
            _download(page, crawl, key, found_on, text)
        elif from_queue and pattern_of(key) in crawl.opened:
            crawl.later.append((kind, key, found_on, text))  # new patterns first
        else:
            _visit(page, crawl, key, found_on, text)
    return crawl


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_link_shown_works_fits_a_phone_and_is_accessible(new_page, server, kind):
    failures: list[str] = []
    rendered: set[str] = set()
    reached = []
    for username in KINDS[kind]:
        page = new_page(**PHONE)
        crawl = crawl_as(page, server.rstrip("/"), username, rendered, failures)
        assert len(crawl.opened) >= 3, f"{username}: only {len(crawl.opened)} pages reached"
        reached.append(f"{username}: {len(crawl.opened)} patterns, {crawl.rendered} in the browser, "
                       f"{crawl.fetched} fetched, {crawl.downloads} downloads")
    print(f"{kind}: " + "; ".join(reached))  # shown with -s / -rA: how far the walk went
    assert not failures, f"{kind}: {len(failures)} problems ({'; '.join(reached)}):\n" + "\n".join(failures)
