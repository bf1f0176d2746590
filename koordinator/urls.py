"""URL map. Page URLs are Norwegian (what users see); names are English (what code uses)."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic.base import RedirectView

from koordinator.signin import second_factor
from koordinator.views import (
    auth,
    caseload,
    cases,
    consents,
    continuity,
    followup_log,
    home,
    next_of_kin,
    notifications,
    partner,
    portal,
    service_users,
)

urlpatterns = [
    path("", home.home, name="home"),
    # Browsers ask for /favicon.ico on their own: the icon templates/base.html links to (the static URL, read at
    # request time, so it follows the static files' manifest).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg")), name="favicon"),
    # Log-in, log-out, password (django-axes throttles failed log-ins)
    path("logg-inn/", second_factor.LoginView.as_view(), name="login"),  # with a second factor where needed
    path("logg-ut/", auth.LogoutView.as_view(), name="logout"),
    # OpenID Connect (ID-porten, Ansattporten), the second factor, «Mine innlogginger» (koordinator.signin)
    path("", include("koordinator.signin.oidc_urls")),
    path("", include("koordinator.signin.second_factor_urls")),
    path("", include("koordinator.signin.mine_urls")),
    path("konto/passord/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("konto/passord/endret/", auth.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The trust person's and the leader's homes
    path("arbeidsliste/", caseload.worklist, name="worklist"),
    path("leder/", caseload.leader_overview, name="leader_overview"),
    # Service users (staff)
    path("brukere/ny/", service_users.register, name="service_user_register"),
    path("brukere/<int:pk>/", service_users.detail, name="service_user_detail"),
    path("brukere/<int:pk>/endre/", service_users.edit, name="service_user_edit"),
    path("brukere/<int:pk>/samtykker/ny/", consents.create, name="consent_create"),
    path("brukere/<int:pk>/parorende/ny/", next_of_kin.create, name="next_of_kin_create"),
    path("parorende/<int:pk>/endre/", next_of_kin.edit, name="next_of_kin_edit"),
    path("parorende/<int:pk>/fjern/", next_of_kin.archive, name="next_of_kin_archive"),
    path("samtykker/<int:pk>/trekk-tilbake/", consents.withdraw, name="consent_withdraw"),
    # Follow-up cases
    path("saker/<int:pk>/", cases.detail, name="followup_detail"),
    path("saker/<int:pk>/status/", cases.change_status, name="followup_status"),
    path("saker/<int:pk>/avslutt/", cases.end, name="followup_end"),
    path("saker/<int:pk>/tildel/", cases.assign, name="followup_assign"),
    path("saker/<int:pk>/historikk/", cases.timeline, name="followup_timeline"),
    # The service user's own pages
    path("min-side/", portal.my_page, name="my_page"),
    path("min-side/innsyn/", portal.access_log, name="my_access_log"),
    path("min-side/samtykker/ny/", portal.give_consent, name="my_consent_create"),
    path("min-side/opplysninger/", portal.edit_contact, name="my_contact_edit"),
    # The partner's home
    path("partner/", partner.home, name="partner_home"),
    # Continuity: appointments, absences, deputies, handovers (issue 3)
    path("avtaler/", continuity.appointments, name="appointments"),
    path("saker/<int:pk>/avtaler/ny/", continuity.appointment_create, name="appointment_create"),
    path("avtaler/<int:pk>/avlys/", continuity.appointment_cancel, name="appointment_cancel"),
    path("avtaler/<int:pk>/flytt/", continuity.appointment_move, name="appointment_move"),
    path("fravaer/", continuity.absences, name="absences"),
    path("fravaer/ny/", continuity.absence_register, name="absence_register"),
    path("fravaer/<int:pk>/slett/", continuity.absence_cancel, name="absence_cancel"),
    path("overforing/", continuity.handover, name="handover"),
    path("leder/stedfortredere/", continuity.deputies, name="deputies"),
    path("leder/dekning/", continuity.coverage, name="coverage"),
    path("saker/<int:pk>/ny-tillitsperson/", continuity.change_trust_person, name="change_trust_person"),
    # The follow-up log (issue 5): the case's log, quick and full entry, edit, archive; innsyn; the leader's figures
    path("saker/<int:pk>/logg/", followup_log.case_log, name="followup_log"),
    path("saker/<int:pk>/logg/ny/", followup_log.entry_quick, name="followup_entry_quick"),
    path("saker/<int:pk>/logg/ny/detaljer/", followup_log.entry_create, name="followup_entry_create"),
    path("logg/<int:pk>/endre/", followup_log.entry_edit, name="followup_entry_edit"),
    path("logg/<int:pk>/arkiver/", followup_log.entry_archive, name="followup_entry_archive"),
    path("min-side/logg/", followup_log.my_log, name="my_log"),
    path("leder/aktivitet/", followup_log.leader_activity, name="leader_activity"),
    # Messages: the bell, the list, the letter print queue
    path("varsler/", notifications.inbox, name="notifications"),
    path("varsler/lest/", notifications.mark_read, name="notifications_mark_read"),
    path("utskrift/", notifications.print_queue, name="print_queue"),
    path("utskrift/brev.pdf", notifications.letters_pdf, name="letters_pdf"),
    path("utskrift/sendt/", notifications.mark_printed, name="mark_printed"),
    # Individual plans (issue 4)
    path("planer/", include("plans.urls")),
    path("ansvarsgrupper/", include("meetings.urls")),  # Responsibility groups (issue 6)
    # API and admin
    # Outcomes (issue 14): quality of life, «Slik har det gått», the half-year report, anonymous feedback.
    path("", include("outcomes.urls_rounds")),
    path("", include("outcomes.urls_change")),
    path("", include("outcomes.urls_report")),
    path("", include("outcomes.urls_feedback")),
    path("", include("outcomes.urls_end")),  # the end-of-follow-up evaluation
    path("", include("exchange.urls")),  # issue 15: the FHIR R4 API (/fhir/) and «Last ned alt om meg»
    path("", include("retention.urls")),  # issue 15: retention, legal holds, what expires
    path("", include("reach.urls")),  # issue 16: «Ring meg», messages, the SMS webhook
    path("api/v1/", include("koordinator.api.urls")),
    path("admin/", admin.site.urls),
]

# Error pages: Norwegian, in the app's layout; JSON under /api/ (koordinator/views/errors.py).
handler400 = "koordinator.views.errors.bad_request"
handler403 = "koordinator.views.errors.permission_denied"
handler404 = "koordinator.views.errors.page_not_found"
handler500 = "koordinator.views.errors.server_error"
