"""A real client in the suite: schemathesis against the live service's OpenAPI.

The service runs under uvicorn on a loopback port, as in production; schemathesis
reads ``/openapi.json`` from it, generates requests for every operation, valid and
invalid, and runs all of its checks on each answer: no 5xx, every status and
content type documented, every body matching its schema, invalid data refused and
valid data accepted. The hypothesis property test (test_serve_properties.py) stays:
it sends arbitrary JSON, which a schema-driven generator does not.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from churn.serve import LoadedModel, create_app
from tests.churn.conftest import on_loopback

TOKEN = "schemathesis-token"


@pytest.fixture(scope="module")
def live_schema(served: LoadedModel) -> Iterator[schemathesis.BaseSchema]:
    """The OpenAPI document of a live service, as schemathesis loads it."""
    with on_loopback(create_app(lambda: served, admin_token=TOKEN)) as port:
        yield schemathesis.openapi.from_url(f"http://127.0.0.1:{port}/openapi.json")


# schemathesis.pytest.from_fixture reads item._nodeid, which pytest 9.2 removed
# (the same change that broke xdist's loadgroup), so each operation's strategy is
# run with hypothesis directly.
EXAMPLES = settings(
    max_examples=60,  # per operation: enough to find a contract break, in seconds
    deadline=None,  # timing is for benchmarks; shared machines are noisy
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,  # no .hypothesis folder left in the clone
)


def check_operation(
    operation: schemathesis.APIOperation, mode: schemathesis.GenerationMode
) -> int:
    """Send the operation's generated cases of one kind; return how many were sent."""
    sent = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @EXAMPLES
    def keeps_the_contract(case: schemathesis.Case) -> None:
        nonlocal sent
        sent += 1
        case.call_and_validate()

    try:
        keeps_the_contract()
    except Unsatisfiable:  # no input to get wrong, e.g. GET /health
        assert mode is schemathesis.GenerationMode.NEGATIVE
    return sent


def test_the_live_service_keeps_its_openapi_contract(
    live_schema: schemathesis.BaseSchema,
) -> None:
    operations = [result.ok() for result in live_schema.get_all_operations()]
    assert {op.label for op in operations} >= {"POST /predict", "GET /ready"}
    sent = {
        (operation.label, mode.value): check_operation(operation, mode)
        for operation in operations
        for mode in schemathesis.GenerationMode  # valid requests, then invalid ones
    }
    # Operations with a body get many cases of each kind; a probe with no input, few.
    for label in ("POST /predict", "POST /predict/batch"):
        assert sent[(label, "positive")] >= 30, sent
        assert sent[(label, "negative")] >= 30, sent
