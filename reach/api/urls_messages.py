"""API routes of reach (messages); included by reach/api/urls.py. Names are prefixed ``api-``."""

from rest_framework.routers import SimpleRouter

from reach.api.messages import MessageViewSet

router = SimpleRouter(use_regex_path=False)
router.register("messages", MessageViewSet, basename="api-message")

urlpatterns = router.urls
