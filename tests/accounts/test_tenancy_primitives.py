import pytest
from django.http import Http404

from accounts.models import Account, Contact
from accounts.tenancy import UnscopedQueryError, get_for_tenant_or_404, same_tenant
from tests.factories import AccountFactory


def test_unscoped_query_on_tenant_owned_model_fails_loudly(db):
    AccountFactory()
    with pytest.raises(UnscopedQueryError):
        list(Account.objects.all())
    with pytest.raises(UnscopedQueryError):
        Account.objects.filter(name="x").count()
    with pytest.raises(UnscopedQueryError):
        Account.objects.get(pk=1)
    with pytest.raises(UnscopedQueryError):
        Account.objects.exists()
    with pytest.raises(UnscopedQueryError):
        Account.objects.update(name="y")
    with pytest.raises(UnscopedQueryError):
        Account.objects.all().delete()


def test_for_tenant_refuses_none(db):
    with pytest.raises(UnscopedQueryError):
        Account.objects.for_tenant(None)


def test_scoped_queries_only_see_their_tenant(world_a, world_b):
    mine = AccountFactory(tenant=world_a.tenant)
    AccountFactory(tenant=world_b.tenant)
    assert list(Account.objects.for_tenant(world_a.tenant)) == [mine]
    assert Account.objects.for_tenant(world_a.tenant).filter(name=mine.name).count() == 1


def test_django_internals_use_the_explicitly_named_unscoped_manager():
    for model in (Account, Contact):
        assert model._meta.default_manager.name == "unscoped"
        assert model._meta.base_manager.name == "unscoped"


def test_another_tenants_row_is_not_found_like_a_missing_one(world_a, world_b):
    theirs = AccountFactory(tenant=world_b.tenant)
    with pytest.raises(Http404):
        get_for_tenant_or_404(world_a.tenant, Account, pk=theirs.pk)
    with pytest.raises(Http404):
        get_for_tenant_or_404(world_a.tenant, Account, pk=10**9)
    with pytest.raises(Http404):
        get_for_tenant_or_404(world_a.tenant, Account, pk="not-a-number")


def test_every_unique_constraint_and_index_leads_with_the_tenant():
    from django.apps import apps
    from django.db import models

    from accounts.tenancy import is_tenant_owned

    for model in apps.get_models():
        if not is_tenant_owned(model):
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                continue  # a row-level check, not an index
            assert constraint.fields and constraint.fields[0] == "tenant", f"{model.__name__}.{constraint.name}"
        for index in model._meta.indexes:
            assert index.fields[0] == "tenant", f"{model.__name__}.{index.name}"


def test_model_validation_refuses_relations_that_cross_tenants(world_a, world_b):
    from django.core.exceptions import ValidationError

    from tests.factories import ContactFactory

    contact = ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    contact.account = AccountFactory(tenant=world_b.tenant)
    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert "account" in error.value.message_dict
    account = AccountFactory(tenant=world_a.tenant, csm_owner=world_b.csm)
    with pytest.raises(ValidationError) as error:
        account.full_clean()
    assert error.value.message_dict["csm_owner"] == ["Belongs to another tenant."]


def test_same_tenant_names_every_row_of_another_tenant_and_skips_none(world_a, world_b):
    from django.core.exceptions import ValidationError

    ours, theirs = AccountFactory(tenant=world_a.tenant), AccountFactory(tenant=world_b.tenant)
    same_tenant(world_a.tenant, account=ours, assignee=None)
    with pytest.raises(ValidationError) as error:
        same_tenant(world_a.tenant, account=ours, other=theirs, assignee=world_b.csm)
    assert error.value.message_dict == {
        "other": ["Belongs to another tenant."],
        "assignee": ["Belongs to another tenant."],
    }
    assert {e.code for errors in error.value.error_dict.values() for e in errors} == {"other_tenant"}
