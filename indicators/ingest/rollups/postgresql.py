"""Adding a batch's rollup sums on PostgreSQL: one statement of atomic increments.

No row is read first and no account is locked: ``INSERT ... ON CONFLICT DO UPDATE`` adds to the
row as last committed, so concurrent batches touching the same (account, day) wait only for each
other's row locks on that row, and never lose an update. The contact rows go first; their
``RETURNING`` tells which contacts had no usage that day before this batch (the new active
users), and the account rows add that count. Rows are written in key order (the deltas come
sorted), so two batches lock shared rows in the same order and cannot deadlock on them.
"""

from __future__ import annotations

import msgspec
from django.db import connection

from accounts.models import Tenant
from indicators.ingest.rollups.deltas import Deltas


def _merge_add(column: str) -> str:
    """SQL for ``column`` + EXCLUDED.``column``, both {key: count} objects, adding counts key by key."""
    return (
        f"r.{column} || COALESCE((SELECT jsonb_object_agg(key, COALESCE((r.{column} ->> key)::bigint, 0) "
        f"+ value::bigint) FROM jsonb_each_text(EXCLUDED.{column})), '{{}}'::jsonb)"
    )


ROLLUPS_ADD = f"""
WITH contact_in AS (
  SELECT * FROM json_to_recordset(%(contacts)s::json) AS t(contact_id bigint, account_id bigint, day date,
    events int, usage_events int, by_feature jsonb, last_activity_at timestamptz, usage_account_id bigint)
), contact_rows AS (
  INSERT INTO indicators_contactday AS r
    (tenant_id, contact_id, account_id, day, events, usage_events, by_feature, last_activity_at)
  SELECT %(tenant)s, contact_id, account_id, day, events, usage_events, by_feature, last_activity_at
  FROM contact_in ORDER BY contact_id, day
  ON CONFLICT (tenant_id, contact_id, day) DO UPDATE SET
    events = r.events + EXCLUDED.events,
    usage_events = r.usage_events + EXCLUDED.usage_events,
    by_feature = {_merge_add("by_feature")},
    last_activity_at = GREATEST(r.last_activity_at, EXCLUDED.last_activity_at)
  RETURNING contact_id, day, usage_events
), newly_active AS (
  SELECT i.usage_account_id AS account_id, i.day, count(*) AS users
  FROM contact_rows c JOIN contact_in i USING (contact_id, day)
  WHERE i.usage_events > 0 AND c.usage_events = i.usage_events
  GROUP BY 1, 2
), account_in AS (
  SELECT * FROM json_to_recordset(%(accounts)s::json) AS t(account_id bigint, day date, events int,
    usage_events int, by_feature jsonb, by_type jsonb, last_activity_at timestamptz)
)
INSERT INTO indicators_accountday AS r
  (tenant_id, account_id, day, events, usage_events, active_users, by_feature, by_type, last_activity_at)
SELECT %(tenant)s, a.account_id, a.day, a.events, a.usage_events, COALESCE(n.users, 0), a.by_feature, a.by_type,
  a.last_activity_at
FROM account_in a LEFT JOIN newly_active n USING (account_id, day) ORDER BY a.account_id, a.day
ON CONFLICT (tenant_id, account_id, day) DO UPDATE SET
  events = r.events + EXCLUDED.events,
  usage_events = r.usage_events + EXCLUDED.usage_events,
  active_users = r.active_users + EXCLUDED.active_users,
  by_feature = {_merge_add("by_feature")},
  by_type = {_merge_add("by_type")},
  last_activity_at = GREATEST(r.last_activity_at, EXCLUDED.last_activity_at)
"""


def deltas_apply(*, tenant: Tenant, deltas: Deltas) -> None:
    params = {
        "tenant": tenant.pk,
        "contacts": msgspec.json.encode(deltas.contacts).decode(),
        "accounts": msgspec.json.encode(deltas.accounts).decode(),
    }
    with connection.cursor() as cursor:
        cursor.execute(ROLLUPS_ADD, params)
