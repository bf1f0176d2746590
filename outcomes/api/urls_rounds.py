"""API routes of outcomes (rounds); included by koordinator/api/urls.py. Names are prefixed ``api-``."""

from rest_framework.routers import SimpleRouter

from outcomes.api.rounds import QualityOfLifeRoundViewSet

router = SimpleRouter(use_regex_path=False)
router.register("quality-of-life-rounds", QualityOfLifeRoundViewSet, basename="api-quality-of-life-round")

urlpatterns = router.urls
