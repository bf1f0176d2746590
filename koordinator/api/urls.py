"""The API under /api/v1/. Names are prefixed ``api-``; the schema and docs are served from here too."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from koordinator.api import followup_log, viewsets

router = SimpleRouter(use_regex_path=False)
router.register("service-users", viewsets.ServiceUserViewSet, basename="api-service-user")
router.register("follow-ups", viewsets.FollowUpViewSet, basename="api-follow-up")
router.register("consents", viewsets.ConsentViewSet, basename="api-consent")
router.register("next-of-kin", viewsets.NextOfKinViewSet, basename="api-next-of-kin")
router.register("access-events", viewsets.AccessEventViewSet, basename="api-access-event")
router.register("appointments", viewsets.AppointmentViewSet, basename="api-appointment")
router.register("absences", viewsets.AbsenceViewSet, basename="api-absence")
router.register("deputies", viewsets.DeputyViewSet, basename="api-deputy")
router.register("notifications", viewsets.NotificationViewSet, basename="api-notification")
# The follow-up log (issue 5)
router.register("followup-entries", followup_log.FollowUpEntryViewSet, basename="api-followup-entry")

urlpatterns = [
    path("me/", viewsets.MeView.as_view(), name="api-me"),
    *router.urls,
    # Individual plans (issue 4): plans, goals, steps, measures, progress notes, comments.
    path("", include("plans.api.urls")),
    path("", include("meetings.api.urls")),  # Responsibility groups (issue 6): meetings/api/urls.py.
    # Outcomes (issue 14): quality-of-life rounds, and the half-year report's figures (aggregates only).
    path("", include("outcomes.api.urls_rounds")),
    path("", include("outcomes.api.urls_report")),
    path("", include("exchange.api.urls")),  # issue 15
    path("", include("retention.api.urls")),  # issue 15
    path("", include("reach.api.urls")),  # issue 16: callbacks and messages
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file, so the strict CSP (no inline scripts) holds.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
