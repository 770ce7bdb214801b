from rest_framework.routers import SimpleRouter

from accounts.api.views import AccountViewSet, ContactViewSet, MemberViewSet

router = SimpleRouter(trailing_slash="/?")
router.register("accounts", AccountViewSet, basename="account")
router.register("contacts", ContactViewSet, basename="contact")
router.register("members", MemberViewSet, basename="member")

urlpatterns = router.urls
