"""The UI shell: layout, navigation by role, language switch, formats, template helpers and the admin."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone, translation

from koordinator import outbox
from koordinator.context_processors import navigation
from koordinator.models import (
    AccessEvent,
    Consent,
    FollowUp,
    Membership,
    Municipality,
    NextOfKin,
    Notification,
    Organisation,
    ServiceUser,
    User,
)
from koordinator.phone import display_phone
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db

ALL_NAV_LABELS = {
    "Min arbeidsliste",
    "Ny bruker",
    "Mine avtaler",
    "Fravær",
    "Overføringsliste",
    "Saksoversikt",
    "Dekning",
    "Faste stedfortredere",
    "Brev til utskrift",
    "Min side",
    "Hvem har sett opplysningene mine",
    "Mine brukere",
    "Mine ansvarsgrupper",
    "Mine oppgaver",
    "Brukerkontoer",
}


class _Links(HTMLParser):
    """Collects the navigation links and the focusable elements of a page, in document order."""

    def __init__(self):
        super().__init__()
        self.focusable: list[dict] = []
        self.nav_links: list[tuple[str, dict]] = []
        self.header_links: list[tuple[str, dict]] = []
        self._in_nav = 0
        self._in_header = 0
        self._open_link: dict | None = None
        self.ids: set[str] = set()
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "nav" and attrs.get("class") == "site-nav":
            self._in_nav += 1
        if tag == "header":
            self._in_header += 1
        is_focusable = (
            (tag == "a" and "href" in attrs)
            or tag in ("button", "select", "textarea")
            or (tag == "input" and attrs.get("type") != "hidden")
            or (attrs.get("tabindex") not in (None, "-1"))
        )
        if is_focusable:
            self.focusable.append({"tag": tag, **attrs})
        if tag == "a" and (self._in_nav or self._in_header):
            self._open_link = {"attrs": attrs, "text": "", "in_nav": bool(self._in_nav)}

    def handle_data(self, data):
        if self._open_link is not None:
            self._open_link["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open_link is not None:
            link = (self._open_link["text"].strip(), self._open_link["attrs"])
            self.header_links.append(link)
            if self._open_link["in_nav"]:
                self.nav_links.append(link)
            self._open_link = None
        if tag == "nav" and self._in_nav:
            self._in_nav -= 1
        if tag == "header" and self._in_header:
            self._in_header -= 1


def parse(response) -> _Links:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


# --- the layout --------------------------------------------------------------------------------------------


def test_the_page_has_a_language_and_the_skip_link_is_the_first_focusable_element(client, world):
    login(client, world.owner)
    page = parse(client.get(reverse("my_page")))
    assert page.html_lang == "nb"
    first = page.focusable[0]
    assert first["tag"] == "a"
    assert first["href"] == "#main"
    assert "ds-skip-link" in first["class"]
    assert "main" in page.ids


def test_the_skip_link_says_where_it_goes_in_norwegian(client):
    assert "Hopp til hovedinnholdet" in client.get(reverse("login")).content.decode()


def test_every_page_has_an_icon_and_favicon_ico_leads_to_it(client):
    from django.contrib.staticfiles import finders

    page = client.get(reverse("login")).content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon and icon.group(1).endswith(".svg")
    svg = Path(finders.find("favicon.svg")).read_text()
    assert svg.startswith("<svg") and "<title>Koordinator</title>" in svg
    response = client.get("/favicon.ico")  # what a browser asks for on its own, not a 404
    assert response.status_code == 302 and response["Location"] == icon.group(1)


def test_every_page_has_exactly_one_h1(client, world):
    login(client, world.owner)
    for name in ("my_page", "my_access_log", "my_consent_create", "my_contact_edit", "password_change"):
        html = client.get(reverse(name)).content.decode()
        assert html.count("<h1") == 1, name


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "trust_person",
            {
                "Min arbeidsliste",
                "Ny bruker",
                "Mine avtaler",
                "Fravær",
                "Overføringsliste",
                "Brev til utskrift",
            },
        ),
        ("leader", {"Saksoversikt", "Fravær", "Dekning", "Faste stedfortredere", "Brev til utskrift"}),
        ("owner", {"Min side", "Hvem har sett opplysningene mine"}),
        ("partner_valid", {"Mine brukere", "Mine ansvarsgrupper", "Mine oppgaver"}),
        ("admin", {"Brukerkontoer"}),
    ],
)
def test_the_navigation_shows_the_links_of_the_users_roles_and_no_others(client, world, persona, expected):
    login(client, world.persona(persona))
    response = client.get(reverse("password_change"))
    labels = {text for text, _ in parse(response).nav_links}
    assert labels & ALL_NAV_LABELS == expected
    assert "Endre passord" in labels
    assert "Varsler" in {text for text, _ in parse(response).header_links}
    html = response.content.decode()
    assert re.search(r'<form class="site-nav__logout" method="post" action="/logg-ut/">', html)
    assert ">Logg ut</button>" in html


def test_someone_with_two_roles_gets_both_sets_of_links_each_once(client, world):
    f.MembershipFactory(user=world.trust_person, organisation=world.unit, role=Membership.Role.LEADER)
    login(client, world.trust_person)
    labels = [text for text, _ in parse(client.get(reverse("password_change"))).nav_links]
    assert {"Min arbeidsliste", "Ny bruker", "Saksoversikt", "Overføringsliste", "Dekning"} <= set(labels)
    assert labels.count("Fravær") == 1
    assert labels.count("Brev til utskrift") == 1


@pytest.mark.parametrize(
    ("persona", "name", "label"),
    [
        ("trust_person", "appointments", "Mine avtaler"),
        ("trust_person", "absences", "Fravær"),
        ("trust_person", "handover", "Overføringsliste"),
        ("trust_person", "print_queue", "Brev til utskrift"),
        ("leader", "absences", "Fravær"),
        ("leader", "coverage", "Dekning"),
        ("leader", "deputies", "Faste stedfortredere"),
        ("leader", "print_queue", "Brev til utskrift"),
    ],
)
def test_every_continuity_link_opens_its_page_and_is_marked_current_there(
    client, world, persona, name, label
):
    login(client, world.persona(persona))
    response = client.get(reverse(name))
    assert response.status_code == 200
    links = parse(response).nav_links
    current = [text for text, attrs in links if attrs.get("aria-current") == "page"]
    assert current == [label]
    assert dict(links)[label]["href"] == reverse(name)


def test_the_links_fold_into_a_menu_that_opens_without_javascript(client, world):
    login(client, world.trust_person)
    html = client.get(reverse("worklist")).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    # The bell stays outside the menu, so the count is seen without opening it.
    assert header.index('class="site-bell"') < header.index('<nav class="site-nav"')
    assert '<summary class="site-menu__toggle">Meny</summary>' in nav
    menu = nav[nav.index("<details") : nav.index("</details>")]
    assert 'href="/arbeidsliste/"' in menu and ">Logg ut</button>" in menu
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    assert "@supports selector(::details-content)" in css  # wide screens show the links unfolded


def test_anonymous_gets_no_navigation_and_no_logout(client):
    html = client.get(reverse("login")).content.decode()
    assert "site-nav" not in html
    assert "Logg ut</button>" not in html


def test_the_current_page_is_marked_in_the_navigation(client, world):
    login(client, world.owner)
    links = dict(parse(client.get(reverse("my_access_log"))).nav_links)
    assert links["Hvem har sett opplysningene mine"].get("aria-current") == "page"
    assert "aria-current" not in links["Min side"]
    assert "aria-current" not in links["Endre passord"]
    links = dict(parse(client.get(reverse("password_change"))).nav_links)
    assert links["Endre passord"].get("aria-current") == "page"


def test_the_navigation_and_the_bell_cost_three_queries_once_per_request(world, django_assert_num_queries):
    outbox.notify(world.owner_su, "Hei", "Tekst", channel=Notification.Channel.IN_APP)
    request = RequestFactory().get("/min-side/")
    request.user = User.objects.get(pk=world.owner.pk)
    request.resolver_match = resolve("/min-side/")
    # Memberships and the service-user link (then cached on the user), and one count for the bell.
    with django_assert_num_queries(3):
        first = navigation(request)
        second = navigation(request)
        header = render_to_string("partials/nav.html", first, request=request)
        render_to_string("partials/nav.html", second, request=request)
        assert first["bell"].unread == second["bell"].unread == 1
    assert [item.name for item in first["nav_items"]] == ["my_page", "my_access_log"]
    assert first["nav_items"] == second["nav_items"]
    assert first["nav_current"] == "my_page"
    assert "1 ulest varsel" in header


def test_the_bell_costs_nothing_until_a_page_shows_it(world, django_assert_num_queries):
    request = RequestFactory().get("/min-side/")
    request.user = User.objects.get(pk=world.owner.pk)
    request.resolver_match = resolve("/min-side/")
    with django_assert_num_queries(2):  # the roles only: a JSON response never renders the header
        navigation(request)


def test_the_navigation_costs_nothing_for_anonymous(django_assert_num_queries, db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/logg-inn/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        context = navigation(request)
        assert context["nav_items"] == []
        assert context["bell"] is None


def test_the_footer_language_switch_works_without_javascript(client):
    html = client.get(reverse("login")).content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert '<label class="ds-label" for="sprakvalg">' in html
    assert '<select class="ds-input" id="sprakvalg" name="language">' in html
    assert 'type="submit">Bytt språk</button>' in html
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert parse(client.get(reverse("login"))).html_lang == "en"


def test_pages_are_norwegian_even_when_the_browser_asks_for_english(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert parse(response).html_lang == "nb"
    assert "Hopp til hovedinnholdet" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9")
    assert parse(response).html_lang == "en"  # the footer's choice wins, whatever the browser says


def test_the_browser_language_is_ignored_before_the_locale_middleware_sees_it():
    middleware = settings.MIDDLEWARE
    ours = "koordinator.middleware.IgnoreBrowserLanguageMiddleware"
    assert middleware.index(ours) < middleware.index("django.middleware.locale.LocaleMiddleware")


# --- the bell ------------------------------------------------------------------------------------------


def bell_of(response) -> tuple[str, dict]:
    return next((text, attrs) for text, attrs in parse(response).header_links if text.startswith("Varsler"))


def test_the_bell_shows_the_unread_count_with_a_spoken_label_on_every_page(client, world):
    for _ in range(3):
        outbox.notify(world.owner_su, "Beskjed", "Tekst", channel=Notification.Channel.IN_APP)
    login(client, world.owner)
    for name in ("my_page", "my_access_log", "password_change"):
        response = client.get(reverse(name))
        text, attrs = bell_of(response)
        assert attrs["href"] == reverse("notifications")
        html = response.content.decode()
        assert '<span class="site-bell__count" aria-hidden="true"> (3)</span>' in html, name
        assert '<span class="ds-sr-only">, 3 uleste varsler</span>' in html, name
        assert " ".join(text.split()) == "Varsler (3), 3 uleste varsler"


def test_the_bell_count_goes_down_when_messages_are_read(client, world):
    first = outbox.notify(world.owner_su, "En", "Tekst", channel=Notification.Channel.IN_APP)
    outbox.notify(world.owner_su, "To", "Tekst", channel=Notification.Channel.IN_APP)
    login(client, world.owner)
    assert "2 uleste varsler" in client.get(reverse("my_page")).content.decode()
    client.post(reverse("notifications_mark_read"), {"id": [first.pk]})
    assert "1 ulest varsel<" in client.get(reverse("my_page")).content.decode()
    client.post(reverse("notifications_mark_read"), {"all": "1"})
    text, _ = bell_of(client.get(reverse("my_page")))
    assert text == "Varsler"  # no count and no «0 uleste» to read out


def test_the_bell_counts_only_my_own_messages_that_are_due(client, world):
    outbox.notify(world.other_su, "Til Ola", "Tekst")
    outbox.notify(world.trust_person, "Til tillitspersonen", "Tekst")
    outbox.notify(world.owner_su, "Senere", "Tekst", due_at=timezone.now() + datetime.timedelta(days=1))
    outbox.notify(world.owner_su, "Min", "Tekst")
    login(client, world.owner)
    assert "1 ulest varsel<" in client.get(reverse("my_page")).content.decode()
    login(client, world.trust_person)
    assert "1 ulest varsel<" in client.get(reverse("worklist")).content.decode()


@pytest.mark.parametrize("persona", ["trust_person", "leader", "owner", "partner_valid", "admin"])
def test_everyone_logged_in_has_the_bell_and_it_is_current_on_the_inbox(client, world, persona):
    login(client, world.persona(persona))
    _, attrs = bell_of(client.get(reverse("notifications")))
    assert attrs.get("aria-current") == "page"
    _, attrs = bell_of(client.get(reverse("password_change")))
    assert "aria-current" not in attrs


def test_anonymous_has_no_bell(client):
    assert "Varsler" not in client.get(reverse("login")).content.decode()


def test_the_stylesheets_are_designsystemet_and_ours(client):
    html = client.get(reverse("login")).content.decode()
    assert "/static/vendor/designsystemet.css" in html
    assert "/static/vendor/designsystemet-theme.css" in html
    assert "/static/css/app.css" in html


def _pages_for_every_role(client, world):
    yield None, reverse("login")
    yield world.owner, reverse("my_page")
    yield world.owner, reverse("my_access_log")
    yield world.owner, reverse("my_consent_create")
    yield world.owner, reverse("my_contact_edit")
    yield world.owner, reverse("logout")
    yield world.owner, reverse("password_change")
    yield world.partner_valid, reverse("partner_home")
    yield f.UserFactory(username="uten_rolle"), reverse("home")


def test_no_page_has_inline_styles_or_scripts(client, world):
    # The Content-Security-Policy forbids them; a page that used them would break in the browser.
    for user, url in _pages_for_every_role(client, world):
        client.logout()
        login(client, user)
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert " style=" not in html, url
        assert "<style" not in html, url
        assert "<script" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url
        assert "style-src 'self'" in response["Content-Security-Policy"]


def test_the_stylesheet_covers_small_screens_print_and_focus():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    assert "@media print" in css
    assert ":focus-visible" in css
    assert ".skip-link:focus" in css
    assert "overflow-x: auto" in css  # tables scroll inside their own box
    assert "max-width: 39.99em" in css  # and reflow on a phone


def test_messages_are_shown_as_alerts(client, world):
    login(client, world.owner)
    response = client.post(
        reverse("my_contact_edit"),
        {"phone": "90000000", "preferred_channel": "sms", "language": "norsk"},
        follow=True,
    )
    assert 'class="ds-alert" role="status" data-color="success"' in response.content.decode()


# --- formats and template helpers --------------------------------------------------------------------


def test_dates_and_times_are_shown_the_norwegian_way():
    moment = timezone.make_aware(datetime.datetime(2026, 11, 23, 14, 0))
    with translation.override("nb"):
        rendered = Template(
            '{{ d|date }}|{{ d|date:"SHORT_DATE_FORMAT" }}|{{ d|date:"DATETIME_FORMAT" }}|'
            '{{ d|date:"SHORT_DATETIME_FORMAT" }}|{{ d|time }}'
        ).render(Context({"d": moment}))
    assert rendered == "23.11.2026|23.11.2026|23.11.2026 kl. 14.00|23.11.2026 kl. 14.00|14.00"


def test_english_pages_keep_norwegian_style_dates():
    moment = timezone.make_aware(datetime.datetime(2026, 11, 23, 14, 0))
    with translation.override("en"):
        rendered = Template('{{ d|date }}|{{ d|date:"SHORT_DATETIME_FORMAT" }}').render(
            Context({"d": moment})
        )
    assert rendered == "23.11.2026|23.11.2026 14.00"


def test_the_phone_filter_formats_numbers_for_people():
    rendered = Template("{% load koordinator_tags %}{{ a|phone }}|{{ b|phone }}|{{ c|phone }}").render(
        Context({"a": "+4791234567", "b": "", "c": None})
    )
    assert rendered == f"{display_phone('+4791234567')}||"


class _ExampleForm(forms.Form):
    name = forms.CharField(label="Navn", help_text="Slik du vil bli kalt.")
    note = forms.CharField(label="Merknad", required=False)
    agree = forms.BooleanField(label="Jeg er enig")
    colours = forms.MultipleChoiceField(
        label="Farger", choices=[("r", "Rød"), ("g", "Grønn")], widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colours"].choice_descriptions = {"r": "Som en tomat."}

    def clean(self):
        raise forms.ValidationError("Noe er galt med hele skjemaet.")


def render_form(form) -> str:
    return Template(
        "{% load koordinator_tags %}{% error_summary form %}"
        "{% form_field form.name %}{% form_field form.note %}{% form_field form.agree %}"
        "{% form_field form.colours %}"
    ).render(Context({"form": form}))


def test_form_field_binds_label_and_description_to_the_input():
    html = render_form(_ExampleForm())
    assert '<label class="ds-label" for="id_name">Navn</label>' in html
    assert 'id="id_name-beskrivelse">Slik du vil bli kalt.' in html
    assert 'aria-describedby="id_name-beskrivelse"' in html
    assert 'Merknad <span class="optional">(valgfritt)</span>' in html
    assert '<legend class="ds-label">Farger</legend>' in html
    assert '<label class="ds-label" data-weight="regular" for="id_colours_0">Rød</label>' in html
    assert 'id="id_colours_0-beskrivelse">Som en tomat.' in html
    assert "ds-error-summary" not in html  # an unbound form has no errors to sum up


def test_form_field_ties_errors_to_inputs_and_the_summary_links_to_them():
    html = render_form(_ExampleForm(data={}))
    assert 'aria-describedby="id_name-beskrivelse id_name-feil"' in html
    assert 'aria-invalid="true"' in html
    assert 'class="ds-validation-message" data-field="validation" id="id_name-feil"' in html
    assert 'href="#id_name"' in html
    assert 'href="#id_agree"' in html
    assert 'href="#id_colours_0"' in html  # a group links to its first option
    assert "Noe er galt med hele skjemaet." in html
    assert 'id="id_note-feil"' not in html  # an optional field left empty is fine


# --- the admin -------------------------------------------------------------------------------------------


def test_the_admin_has_accounts_and_organisations_only():
    registered = {model for model in admin.site._registry if model._meta.app_label == "koordinator"}
    assert registered == {User, Municipality, Organisation}


@pytest.mark.parametrize("model", [ServiceUser, FollowUp, Consent, NextOfKin, AccessEvent, Membership])
def test_personal_data_is_not_in_the_admin(model):
    assert not admin.site.is_registered(model)
    assert not admin.site.is_registered(model.history.model)


def test_the_administrator_role_opens_the_admin_and_manages_accounts(client, world):
    login(client, world.admin)
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.get(reverse("admin:koordinator_user_change", args=[world.partner_valid.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="phone"' in html and 'name="title"' in html
    assert "memberships-TOTAL_FORMS" in html  # roles are edited inline on the account


def test_the_administrator_role_cannot_hand_out_superuser(world):
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    readonly = admin.site._registry[User].get_readonly_fields(request, world.partner_valid)
    assert {"is_superuser", "is_staff", "user_permissions", "groups"} <= set(readonly)


def test_the_administrator_creates_an_account_with_a_role(client, world):
    login(client, world.admin)
    response = client.post(
        reverse("admin:koordinator_user_add"),
        {
            "username": "ny_tillit",
            "first_name": "Nina",
            "last_name": "Ny",
            "password1": "Et-godt-passord-99",
            "password2": "Et-godt-passord-99",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-organisation": world.unit.pk,
            "memberships-0-role": Membership.Role.TRUST_PERSON,
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="ny_tillit")
    assert created.memberships.get().role == Membership.Role.TRUST_PERSON
    assert not created.is_superuser


@pytest.mark.parametrize("persona", ["owner", "partner_valid", "trust_person", "leader"])
def test_other_roles_are_kept_out_of_the_admin(client, world, persona):
    login(client, world.persona(persona))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_admin_never_lists_service_users_even_for_a_superuser(client, world):
    login(client, f.UserFactory(username="rot", is_superuser=True, is_staff=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert "Tjenestemottakere" not in html
    assert "Samtykker" not in html
    assert "Kari Nordmann" not in html
