"""The meetings router, included under /api/v1/ by ``koordinator/api/urls.py``. Names are prefixed ``api-``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from meetings.api import viewsets

router = SimpleRouter(use_regex_path=False)
router.register("groups", viewsets.GroupViewSet, basename="api-meeting-group")
router.register("group-members", viewsets.GroupMemberViewSet, basename="api-group-member")
router.register("meetings", viewsets.MeetingViewSet, basename="api-meeting")
router.register("attendance", viewsets.AttendanceViewSet, basename="api-attendance")
router.register("minutes", viewsets.MinutesViewSet, basename="api-minutes")
router.register("action-items", viewsets.ActionItemViewSet, basename="api-action-item")

urlpatterns = router.urls
