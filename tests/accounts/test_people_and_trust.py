"""Invitations, password reset, failed-login limits and the audit trail."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.middleware import SESSION_KEY
from accounts.models import Account, Invitation, Membership, User
from accounts.services.invitation_links import invitation_token
from accounts.services.invitations import invitation_create
from tests.conftest import api_as
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "an-unguessable-passphrase-42"


def link_in_last_email():
    return re.search(r"http://\S+/invitations/(\S+)/", mail.outbox[-1].body).group(0)


def path_of(url):
    return url.split("8000", 1)[1] if "8000" in url else url


def test_admin_invites_someone_who_joins_with_the_role_and_lands_in_the_tenant(
    admin_client_a, world_a, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_a.post("/admin/accounts/invitation/add/", {"email": "New.Person@Example.com", "role": "csm"})
    invitation = Invitation.objects.for_tenant(world_a.tenant).get()
    assert invitation.email == "new.person@example.com" and invitation.sent_at is not None
    assert mail.outbox[-1].to == ["new.person@example.com"]

    link = path_of(link_in_last_email())
    client.logout()
    assert "Join Alpha" in client.get(link).content.decode()
    response = client.post(link, {"full_name": "New Person", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    user = User.objects.get(email="new.person@example.com")
    assert user.check_password(PASSWORD)
    assert Membership.objects.for_tenant(world_a.tenant).get(user=user).role == "csm"
    assert client.session[SESSION_KEY] == world_a.tenant.pk


def test_an_invitation_link_works_once(world_a, client):
    invitation = invitation_create(tenant=world_a.tenant, email="once@example.com", role="viewer", invited_by=None)
    link = f"/invitations/{invitation_token(invitation)}/"
    assert client.post(link, {"full_name": "Once", "password": PASSWORD}).status_code == 302
    client.logout()
    second = client.post(link, {"full_name": "Again", "password": PASSWORD})
    assert second.status_code == 404 and "already been used" in second.content.decode()


def test_a_tampered_or_expired_invitation_is_refused(world_a, client, settings):
    invitation = invitation_create(tenant=world_a.tenant, email="late@example.com", role="viewer", invited_by=None)
    token = invitation_token(invitation)
    assert client.get(f"/invitations/{token[:-2]}xx/").status_code == 404
    Invitation.objects.for_tenant(world_a.tenant).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(f"/invitations/{token}/").status_code == 404
    Invitation.objects.for_tenant(world_a.tenant).update(expires_at=timezone.now() + timedelta(days=1))
    settings.INVITATION_MAX_AGE = timedelta(seconds=-1)
    assert client.get(f"/invitations/{token}/").status_code == 404


def test_an_invitation_is_bound_to_its_tenant(world_a, world_b, client):
    """Swapping the tenant id in a token breaks the signature; it can never join tenant B."""
    from django.core import signing

    from accounts.services.invitation_links import SALT

    invitation = invitation_create(tenant=world_a.tenant, email="x@example.com", role="admin", invited_by=None)
    forged = signing.dumps({"i": invitation.pk, "t": world_b.tenant.pk}, salt=SALT + "-guess", compress=True)
    assert client.get(f"/invitations/{forged}/").status_code == 404
    assert not Membership.objects.for_tenant(world_b.tenant).filter(user__email="x@example.com").exists()


def test_an_existing_user_joins_a_second_tenant_with_their_own_password(world_a, world_b, client):
    person = world_b.viewer.user
    invitation = invitation_create(tenant=world_a.tenant, email=person.email, role="csm", invited_by=None)
    link = f"/invitations/{invitation_token(invitation)}/"
    assert client.post(link, {"password": "wrong-password"}).status_code == 200
    assert client.post(link, {"password": "correct horse battery staple"}).status_code == 302
    assert Membership.objects.for_tenant(world_a.tenant).get(user=person).role == "csm"


def test_weak_passwords_are_refused_on_joining(world_a, client):
    invitation = invitation_create(tenant=world_a.tenant, email="weak@example.com", role="csm", invited_by=None)
    response = client.post(f"/invitations/{invitation_token(invitation)}/", {"full_name": "W", "password": "1234"})
    assert response.status_code == 200 and "too short" in response.content.decode()


def test_csm_cannot_invite(client, world_a):
    from tests.conftest import session_client

    csm = session_client(client, world_a.csm)
    assert csm.post("/admin/accounts/invitation/add/", {"email": "z@example.com", "role": "admin"}).status_code == 403
    assert not Invitation.objects.for_tenant(world_a.tenant).exists()


def test_password_reset_sends_a_link_that_sets_a_new_password(world_a, client):
    user = world_a.csm.user
    assert "Forgotten your login credentials?" in client.get("/admin/login/").content.decode()
    client.post("/admin/password_reset/", {"email": user.email})
    reset_path = re.search(r"https?://[^/]+(/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(reset_path, follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_failed_logins_are_limited(world_a, client):
    email = world_a.admin.user.email
    for _ in range(5):
        client.post("/admin/login/", {"username": email, "password": "nope"})
    locked = client.post("/admin/login/", {"username": email, "password": "correct horse battery staple"})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()


def test_members_sign_in_to_admin_without_being_platform_staff(world_a, client):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": world_a.viewer.user.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_people_with_no_tenant_cannot_sign_in_to_admin(db, client):
    loner = UserFactory()
    response = client.post("/admin/login/", {"username": loner.email, "password": "correct horse battery staple"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_audit_trail_records_who_changed_what_through_api_and_admin(world_a, admin_client_a, key_client_a):
    account = AccountFactory(tenant=world_a.tenant, name="Before")
    key_client_a.patch(f"/api/v1/accounts/{account.pk}/", {"name": "Via API"}, format="json")
    api_as(world_a.admin).patch(f"/api/v1/accounts/{account.pk}/", {"name": "Via session"}, format="json")
    history = list(Account.history.filter(id=account.pk).order_by("history_date"))
    assert [h.name for h in history] == ["Before", "Via API", "Via session"]
    assert history[1].history_api_key == world_a.api_key.prefix and history[1].history_user is None
    assert history[2].history_user == world_a.admin.user
    page = admin_client_a.get(f"/admin/accounts/account/{account.pk}/history/").content.decode()
    assert world_a.api_key.prefix in page and str(world_a.admin.user) in page


def test_audit_history_of_a_deleted_row_stays_with_its_tenant(world_a, world_b, admin_client_a):
    theirs = AccountFactory(tenant=world_b.tenant, name="Gone Corp")
    pk = theirs.pk
    theirs.delete()
    assert admin_client_a.get(f"/admin/accounts/account/{pk}/history/").status_code == 404


def test_accepting_an_invitation_never_lowers_an_existing_role(world_a):
    from accounts.services.invitations import invitation_accept

    invitation = invitation_create(tenant=world_a.tenant, email=world_a.csm.user.email, role="viewer", invited_by=None)
    membership = invitation_accept(invitation=invitation, full_name="", password=None)
    assert membership.role == "csm"


def test_emails_are_unique_whatever_their_case(db):
    from django.db import IntegrityError, transaction

    User.objects.create_user("Case@Example.com", "pw")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="CASE@example.com")
