"""API routes of reach (callbacks); included by reach/api/urls.py. Names are prefixed ``api-``."""

from rest_framework.routers import SimpleRouter

from reach.api.callbacks import CallbackViewSet

router = SimpleRouter(use_regex_path=False)
router.register("callbacks", CallbackViewSet, basename="api-callback")

urlpatterns = router.urls
