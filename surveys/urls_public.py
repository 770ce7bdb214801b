"""Public survey pages (no sign-in): the link in an invitation email leads here."""

from django.urls import path

from surveys import views_public

app_name = "surveys-public"

urlpatterns = [
    path("<str:token>/", views_public.respond, name="respond"),
    path("<str:token>/thanks/", views_public.thanks, name="thanks"),
    path("<str:token>/unsubscribe/", views_public.unsubscribe, name="unsubscribe"),
]
