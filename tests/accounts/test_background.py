"""The task door: a tenant task gets its tenant loaded, and periodic work fans out once per tenant."""

import pytest

from accounts.background import tenant_task, tenants_fan_out
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db
calls: list[tuple] = []


@tenant_task(name="tests.background.record")
def record(*, tenant, note: str = "") -> int:
    calls.append((tenant.pk, note))
    return 1


@pytest.fixture(autouse=True)
def _clear():
    calls.clear()


def test_a_tenant_task_runs_its_work_with_the_tenant_loaded_from_the_id(world_a):
    assert record.apply(kwargs={"tenant_id": world_a.tenant.pk, "note": "hi"}).get() == 1
    assert calls == [(world_a.tenant.pk, "hi")]


def test_a_tenant_task_for_a_deleted_tenant_does_nothing(db):
    tenant = TenantFactory()
    tenant_id = tenant.pk
    tenant.delete()
    assert record.apply(kwargs={"tenant_id": tenant_id}).get() == 0
    assert calls == []


def test_arguments_another_deploy_added_are_dropped_not_fatal(world_a):
    assert record.apply(kwargs={"tenant_id": world_a.tenant.pk, "note": "x", "added_later": 3}).get() == 1
    assert calls == [(world_a.tenant.pk, "x")]


def test_a_tenant_task_keeps_its_name_and_docstring_for_the_worker():
    assert record.name == "tests.background.record"
    assert record.__module__ == __name__


def test_periodic_work_fans_out_once_per_tenant_in_id_order(world_a, world_b):
    ids = [world_b.tenant.pk, world_a.tenant.pk, world_b.tenant.pk]
    assert tenants_fan_out(record, ids, note="sweep") == 2
    assert calls == sorted({(pk, "sweep") for pk in ids})
