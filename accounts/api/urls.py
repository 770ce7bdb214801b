from rest_framework.routers import SimpleRouter

from accounts.api.views import AccountViewSet, ContactViewSet, MemberViewSet


class OptionalSlashRouter(SimpleRouter):
    """``/accounts/1`` and ``/accounts/1/`` both work: integrations differ on slashes."""

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


router = OptionalSlashRouter()
router.register("accounts", AccountViewSet, basename="account")
router.register("contacts", ContactViewSet, basename="contact")
router.register("members", MemberViewSet, basename="member")

urlpatterns = router.urls
