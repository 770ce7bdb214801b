"""Celery queues per workload: every task belongs to one, and Celery's router sends it there."""

import pytest
from celery import current_app

from csplatform.queues import WORKLOADS, task_routes, workload_of


def test_every_tasks_app_is_in_at_most_one_workload():
    apps = [app for names in WORKLOADS.values() for app in names]
    assert len(apps) == len(set(apps))


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("indicators.recompute_accounts", "cs.recompute"),
        ("surveys.send_due_invitations", "cs.surveys"),
        ("followups.apply_keyword_rules", "cs.surveys"),
        ("notifications.deliveries_due", "cs.notifications"),
        ("workspace.send_tenant_digests", "cs.notifications"),
        ("outcomes.analyse_indicators", "cs.analytics"),
        ("privacy.build_tenant_export", "cs.analytics"),
        ("accounts.send_invitation_email", "cs"),
    ],
)
def test_celerys_router_sends_each_task_to_its_workloads_queue(task, queue):
    app = current_app._get_current_object()
    saved = app.conf.task_routes, app.conf.task_default_queue
    try:
        app.conf.task_routes, app.conf.task_default_queue = task_routes("cs"), "cs"
        app.amqp.flush_routes()
        # A fresh Router: app.amqp.router is cached with the routes of whoever sent a task first.
        routed = app.amqp.Router().route({}, task)
        assert routed["queue"].name == queue
    finally:
        app.conf.task_routes, app.conf.task_default_queue = saved
        app.amqp.flush_routes()


def test_every_registered_task_has_a_known_home():
    import csplatform.celery  # noqa: F401  (registers every app's tasks)

    names = [name for name in current_app.tasks if not name.startswith(("celery.", "tests."))]
    assert names
    homeless = {n for n in names if workload_of(n) is None} - {"accounts.send_invitation_email"}
    assert not homeless, f"tasks on no workload's queue: {sorted(homeless)}"
