"""The plans router, included under /api/v1/ by ``koordinator/api/urls.py``. Names are prefixed ``api-``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from plans.api import crisis, viewsets

router = SimpleRouter(use_regex_path=False)
router.register("plans", viewsets.PlanViewSet, basename="api-plan")
router.register("goals", viewsets.GoalViewSet, basename="api-goal")
router.register("steps", viewsets.StepViewSet, basename="api-step")
router.register("measures", viewsets.MeasureViewSet, basename="api-measure")
router.register("progress-notes", viewsets.ProgressNoteViewSet, basename="api-progress-note")
router.register("plan-comments", viewsets.CommentViewSet, basename="api-plan-comment")
# Crisis plans (issue 5): the plan with contacts and sign-offs, history, restore, and emergency access.
router.register("crisis-plans", crisis.CrisisPlanViewSet, basename="api-crisis-plan")

urlpatterns = router.urls
