"""Responsibility groups in the browser (issue 6).

The story test plays one meeting of Kari Nordmann's group (``bruker1``, from the demo data), in order: her trust
person ``tillit1`` schedules it from the case page; ``nav1`` (NAV Lerkendal, a member through her consent) sends
apologies from the meeting page; after the meeting ``tillit1`` records who came, writes the minutes and marks them
ready; Kari approves them from her own log-in, starting from Min side. The meeting page and the minutes pages are
checked with axe, at 375 px too, and the minutes PDF is fetched.

The live server's clock cannot be moved, and a meeting must have started before its attendance and minutes are
signed off: between the apologies and the attendance the test moves the meeting two hours back through the ORM
(test set-up, as ``tests/meetings/conftest.py::move_to_past`` does), committed at once so the server sees it on
PostgreSQL too (``write_for_the_server``). Everything else goes through the pages; the ORM
only looks up ids and checks what the pages did.

The apology link test uses the link an invitation carries (``meetings.tokens``), without logging in.
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import login, write_for_the_server
from tests.e2e.test_plans import (
    PHONE,
    assert_accessible,
    assert_fits_a_phone,
    assert_pdf,
    expect_h1,
    expect_message,
    main,
)

NOTE = "Vi går gjennom søknaden om arbeidstrening."
APOLOGIES = "Jeg er på kurs den dagen. Svaret på søknaden sender jeg på e-post."
SITUATION = "Kari har fått svar fra boligkontoret og skal på visning neste uke."
USER_WORDS = "Jeg gleder meg, men jeg gruer meg også litt."
DECISIONS = "Sigrid blir med på visningen. Per sender svaret på søknaden på e-post."


# --- helpers ----------------------------------------------------------------------------------------------------


def check_on_a_phone(new_page, page, path: str, what: str) -> None:
    """The same page, for the same person, 375 px wide: axe and no sideways scrolling."""
    phone = new_page(**PHONE, storage_state=page.context.storage_state())
    phone.goto(path)
    assert_accessible(phone, f"{what} at 375 px")
    assert_fits_a_phone(phone, what)


def meeting_id(page) -> int:
    match = re.search(r"/ansvarsgrupper/mote/(\d+)/", page.url)
    assert match, f"not on a meeting page: {page.url}"
    return int(match.group(1))


def attendance_cell(page, name: str):
    """The «Oppmøte» cell of a member's row on the meeting page."""
    table = main(page).get_by_role("table", name="Medlemmer og oppmøte")
    return table.get_by_role("row").filter(has_text=name).get_by_role("cell").nth(2)


def bruker1s_case():
    from koordinator.models import FollowUp

    return FollowUp.objects.select_related("service_user", "trust_person").get(
        service_user__user__username="bruker1"
    )


# --- the story ----------------------------------------------------------------------------------------------------


def test_a_meeting_is_scheduled_a_partner_sends_apologies_minutes_written_and_approved_by_the_user(new_page):
    from meetings.models import Attendance, Meeting, Minutes

    case = bruker1s_case()
    owner = case.service_user
    day = timezone.localdate() + datetime.timedelta(days=10)

    # 1. The coordinator schedules the meeting from the case page: at Kari's home, with a message.
    staff = new_page()
    login(staff, "tillit1")
    staff.goto(f"/saker/{case.pk}/")
    main(staff).get_by_role("link", name="Ansvarsgruppe", exact=True).click()
    expect_h1(staff, f"Ansvarsgruppe for {owner.full_name}")
    main(staff).get_by_role("link", name="Planlegg et møte").click()
    expect_h1(staff, "Planlegg et møte")
    form = main(staff)
    form.get_by_label("Dato").fill(day.isoformat())
    form.get_by_label("Klokkeslett").fill("13:00")
    form.get_by_role("group", name="Hvor").get_by_label("Hjemme hos brukeren").check()
    form.get_by_label("Melding i innkallingen").fill(NOTE)
    assert_accessible(staff, "the form to schedule a meeting")
    form.get_by_role("button", name="Planlegg møtet og send innkalling").click()
    staff.wait_for_url(re.compile(r"/ansvarsgrupper/mote/\d+/$"))
    expect_message(staff, "Møtet er planlagt. Alle i gruppen har fått innkalling.")
    pk = meeting_id(staff)
    expect_h1(staff, f"Møte i ansvarsgruppen til {owner.full_name}")
    assert f"{day:%d.%m.%Y} kl. 13.00" in main(staff).locator(".meetings-facts").inner_text()
    assert NOTE in main(staff).inner_text()
    assert_accessible(staff, "the meeting page (coordinator)")
    check_on_a_phone(new_page, staff, f"/ansvarsgrupper/mote/{pk}/", "the meeting page (coordinator)")
    # Everyone is invited: nav1 by e-mail (with the calendar file), Kari as she prefers.
    meeting = Meeting.objects.get(pk=pk)
    invited = {n.recipient_user.username for n in meeting_notifications(meeting) if n.recipient_user_id}
    assert "nav1" in invited

    # 2. The partner sends apologies from the meeting page, found from the home page's «Mine ansvarsgrupper».
    partner = new_page()
    login(partner, "nav1")
    groups = main(partner).get_by_role("region", name="Mine ansvarsgrupper")
    groups.get_by_role("link", name=f"Ansvarsgruppen til {owner.full_name}").click()
    expect_h1(partner, f"Ansvarsgruppe for {owner.full_name}")
    main(partner).get_by_role("region", name="Neste møter").get_by_role(
        "link", name=re.compile(re.escape(f"{day:%d.%m.%Y} kl. 13.00"))
    ).click()
    partner.wait_for_url(re.compile(rf"/ansvarsgrupper/mote/{pk}/$"))
    main(partner).get_by_role("region", name="Kommer du?").get_by_role("link", name="Meld forfall").click()
    expect_h1(partner, "Meld forfall")
    main(partner).get_by_label("Melding til møtelederen").fill(APOLOGIES)
    main(partner).get_by_role("button", name="Send forfall").click()
    partner.wait_for_url(re.compile(rf"/ansvarsgrupper/mote/{pk}/$"))
    expect_message(partner, "Forfallet er sendt til møtelederen.")
    expect(main(partner).get_by_role("region", name="Kommer du?")).to_contain_text(
        "Du har meldt forfall til dette møtet."
    )
    assert_accessible(partner, "the meeting page (partner)")
    apologies = Attendance.objects.get(meeting_id=pk, member__person__username="nav1")
    assert (apologies.status, apologies.via, apologies.message) == ("apologies", "page", APOLOGIES)

    # The coordinator sees it on the meeting page.
    staff.reload()
    expect(attendance_cell(staff, "Per Olsen")).to_contain_text("Meldt forfall")
    expect(attendance_cell(staff, "Per Olsen")).to_contain_text(APOLOGIES)

    # 3. The meeting has taken place (test set-up: two hours back), and the coordinator records who came.
    write_for_the_server(
        lambda: Meeting.objects.filter(pk=pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    )
    held_on = Meeting.objects.get(pk=pk).local_date
    staff.reload()
    main(staff).get_by_role("link", name="Registrer oppmøte").click()
    expect_h1(staff, "Registrer oppmøte")
    for name in (owner.full_name, case.trust_person.display_name):
        main(staff).get_by_role("group", name=re.compile("^" + re.escape(name))).get_by_label(
            "Til stede"
        ).check()
    nav = main(staff).get_by_role("group", name=re.compile("^Per Olsen"))
    assert nav.get_by_label("Meldt forfall").is_checked()  # as he sent it
    main(staff).get_by_role("button", name="Lagre oppmøtet").click()
    staff.wait_for_url(re.compile(rf"/ansvarsgrupper/mote/{pk}/#deltakere$"))
    expect_message(staff, "Oppmøtet er registrert.")
    expect(attendance_cell(staff, owner.full_name)).to_contain_text("Til stede")

    # 4. The minutes: written, saved, marked ready.
    main(staff).get_by_role("region", name="Referat", exact=True).get_by_role(
        "button", name="Skriv referat"
    ).click()
    expect_h1(staff, "Skriv referatet")
    minutes_url = staff.url
    main(staff).get_by_label("Situasjonen nå").fill(SITUATION)
    main(staff).get_by_label("Brukerens ord").fill(USER_WORDS)
    main(staff).get_by_label("Dette ble vi enige om").fill(DECISIONS)
    assert_accessible(staff, "the minutes page (coordinator)")
    check_on_a_phone(new_page, staff, minutes_url, "the minutes page (coordinator)")
    main(staff).get_by_role("button", name="Lagre referatet").click()
    staff.wait_for_url(re.compile(rf"/ansvarsgrupper/mote/{pk}/#referat$"))
    expect_message(staff, "Referatet er lagret.")
    minutes = main(staff).get_by_role("region", name="Referat", exact=True)
    expect(minutes).to_contain_text(SITUATION)
    expect(minutes).to_contain_text(DECISIONS)
    minutes.get_by_role("button", name="Marker referatet som klart").click()
    expect_message(staff, "Referatet er markert som klart.")
    expect(main(staff).get_by_role("region", name="Referat", exact=True)).to_contain_text(
        "Klart – venter på brukeren"
    )
    assert_pdf(staff, "Referatet som PDF")

    # 5. Kari approves them from her own log-in: Min side says a minutes waits for her answer.
    user = new_page()
    login(user, "bruker1")
    expect_h1(user, "Min side")
    waiting = main(user).get_by_role("region", name="Neste møte", exact=True)
    waiting.get_by_role("link", name=f"Referatet fra møtet {held_on:%d.%m.%Y}").click()
    user.wait_for_url(re.compile(rf"/ansvarsgrupper/mote/{pk}/#referat$"))
    expect_h1(user, "Møte i ansvarsgruppen din")
    mine = main(user).get_by_role("region", name="Referat", exact=True)
    expect(mine).to_contain_text(USER_WORDS)
    assert_accessible(user, "the meeting page (user)")
    check_on_a_phone(new_page, user, f"/ansvarsgrupper/mote/{pk}/", "the meeting page (user)")
    # The page to disagree is there too (and passes axe); she goes back and approves.
    mine.get_by_role("link", name="Jeg er uenig i noe").click()
    expect_h1(user, "Svar på referatet")
    assert_accessible(user, "the page to answer the minutes (user)")
    check_on_a_phone(new_page, user, user.url, "the page to answer the minutes (user)")
    main(user).get_by_role("link", name="Tilbake til møtet").click()
    main(user).get_by_role("region", name="Referat", exact=True).get_by_role(
        "button", name="Jeg godkjenner referatet"
    ).click()
    expect_message(user, "Takk, svaret ditt er lagret.")
    expect(main(user).get_by_role("region", name="Referat", exact=True)).to_contain_text(
        "Du har godkjent det"  # the user's own words for «Godkjent av brukeren»
    )
    assert_pdf(user, "Referatet som PDF")

    saved = Minutes.objects.get(meeting_id=pk)
    assert (saved.status, saved.user_response_how, saved.user_response_by.username) == (
        "approved",
        "portal",
        "bruker1",
    )
    assert (saved.situation, saved.user_words, saved.decisions) == (SITUATION, USER_WORDS, DECISIONS)


def meeting_notifications(meeting):
    from django.contrib.contenttypes.models import ContentType

    from koordinator.models import Notification

    return Notification.objects.filter(
        about_type=ContentType.objects.get_for_model(meeting), about_id=meeting.pk
    ).select_related("recipient_user")


# --- the apology link -----------------------------------------------------------------------------------------------


def test_a_partner_sends_apologies_with_the_link_in_the_invitation_without_logging_in(new_page):
    from meetings import tokens
    from meetings.models import Attendance, GroupMember, Meeting

    meeting = (
        Meeting.objects.filter(
            group__follow_up__service_user__user__username="bruker1",
            status=Meeting.Status.PLANNED,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None, "the demo data has no meeting ahead for bruker1"
    member = GroupMember.objects.get(group=meeting.group, person__username="nav1")
    page = new_page()
    page.goto(f"/ansvarsgrupper/forfall/{tokens.apology_token(meeting.pk, member.pk)}/")
    expect_h1(page, "Meld forfall")
    assert "Du trenger ikke logge inn." in main(page).inner_text()
    assert_accessible(page, "the apology link page")
    main(page).get_by_label("Melding til møtelederen").fill("Syk, beklager.")
    main(page).get_by_role("button", name="Send forfall").click()
    expect(main(page).get_by_role("status")).to_contain_text("Møtelederen har fått beskjed")
    attendance = Attendance.objects.get(meeting=meeting, member=member)
    assert (attendance.status, attendance.via) == ("apologies", "link")
    # A link that has been tampered with is refused in plain words.
    page.goto(f"/ansvarsgrupper/forfall/{tokens.apology_token(meeting.pk, member.pk)}x/")
    expect(main(page).get_by_role("alert")).to_contain_text("Lenken er ikke gyldig")
