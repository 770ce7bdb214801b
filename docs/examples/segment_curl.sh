#!/usr/bin/env bash
# The same calls over plain HTTP, as RudderStack and other Segment-compatible pipelines send them:
# POST /v1/batch, HTTP Basic with the write key as the user name and no password.
#
#   CSP_WRITE_KEY=csp_... CSP_HOST=http://127.0.0.1:8000 bash docs/examples/segment_curl.sh
set -euo pipefail

curl --fail-with-body -sS -u "$CSP_WRITE_KEY:" -H 'Content-Type: application/json' \
  "${CSP_HOST:-http://127.0.0.1:8000}/v1/batch" -d '{
  "batch": [
    {"type": "identify", "userId": "u-43", "messageId": "m-1",
     "traits": {"email": "grace@initech.example", "name": "Grace Hopper"}},
    {"type": "group", "userId": "u-43", "groupId": "initech", "messageId": "m-2",
     "traits": {"name": "Initech", "plan": "growth", "arr": 48000, "seats": 60}},
    {"type": "track", "userId": "u-43", "event": "Dashboard Viewed", "messageId": "m-3",
     "properties": {"dashboard": "usage"}}
  ]
}'
