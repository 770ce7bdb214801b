"""The OpenAPI schema is a true contract: every operation, fuzzed against a live server, answers as documented.

Each operation gets ``MAX_EXAMPLES`` positive (valid by the schema) and as many negative (invalid)
requests, derandomized so a run is repeatable, with a real API key of a tenant that has a few rows so
that path ids exist. A failure is a 5xx, a status code the operation does not document, a body not
matching the documented schema, or an undocumented content type. The figures are printed.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_contract.seed import contract_tenant_seed

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = 5  # per generation mode: 10 requests an operation
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
RESOURCE_ID = re.compile(r"^/api/v1/(?P<resource>[^/]+)/\{id\}/")
RESOURCE_EXTERNAL_ID = re.compile(r"^/api/v1/(?P<resource>[^/]+)/by-external-id/\{external_id\}/")
# API_CONTRACT_PATHS=/api/v1/webhook-endpoints/,/api/v1/alerts/ fuzzes only the operations under those
# prefixes (a quick check of a new resource); unset, every operation is fuzzed.
ONLY_PATHS = tuple(prefix for prefix in os.environ.get("API_CONTRACT_PATHS", "").split(",") if prefix)


@dataclass
class Tally:
    operations: int = 0
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # by check
    examples: dict = field(default_factory=dict)  # (check, operation) -> first failing request

    def record(self, case, response, failures: list[Failure]) -> None:
        self.requests += 1
        self.statuses[response.status_code // 100 * 100] += 1
        for failure in failures:
            kind = failure.title
            self.failures[kind] += 1
            self.examples.setdefault(
                (kind, case.operation.label),
                f"{case.method} {case.formatted_path} query={case.query} body={str(case.body)[:200]!r} -> "
                f"{response.status_code} {response.text[:300]!r}: {failure.message[:300]}",
            )

    def summary(self) -> str:
        lines = [
            f"schemathesis: {self.operations} operations, {self.requests} requests "
            f"({', '.join(f'{k}: {v}' for k, v in sorted(self.statuses.items()))})",
            f"failures: {sum(self.failures.values())} "
            + (f"({', '.join(f'{k}: {v}' for k, v in self.failures.most_common())})" if self.failures else ""),
        ]
        lines += [f"  [{kind}] {operation}: {example}" for (kind, operation), example in sorted(self.examples.items())]
        return "\n".join(lines)


def _fuzz(operation, mode, seeded, session: requests.Session, base_url: str, tally: Tally) -> None:
    strategy = operation.as_strategy(generation_mode=mode)
    for pattern, name, known in (
        (RESOURCE_ID, "id", seeded.ids),
        (RESOURCE_EXTERNAL_ID, "external_id", seeded.external_ids),
    ):
        match = pattern.match(operation.path)
        if match and match["resource"] in known:
            # Some cases (the first one always) aim at a row that exists, so the operation gets past its 404.
            existing = {name: known[match["resource"]]}
            strategy = st.one_of(operation.as_strategy(generation_mode=mode, path_parameters=existing), strategy)

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(base_url=base_url, session=session)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            tally.record(case, response, list(group.exceptions))
        except Failure as failure:
            tally.record(case, response, [failure])
        else:
            tally.record(case, response, [])

    run()


def test_every_operation_answers_as_its_schema_says(live_server, request):
    seeded = contract_tenant_seed()
    assert not seeded.missing, seeded.missing
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {seeded.api_key_plaintext}"
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    tally = Tally()
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if not ONLY_PATHS or op.path.startswith(ONLY_PATHS)]
    assert operations, f"no operation under {ONLY_PATHS}"
    # Deletes last, so that the seeded rows the other operations aim at are still there for them.
    for operation in sorted(operations, key=lambda operation: operation.method.upper() == "DELETE"):
        tally.operations += 1
        for mode in MODES:
            _fuzz(operation, mode, seeded, session, live_server.url, tally)
    request.node.add_report_section("call", "schemathesis", tally.summary())  # shown with -rP or on failure
    assert not tally.failures, tally.summary()
