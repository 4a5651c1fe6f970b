"""Schemathesis over every operation of /api/v1/, as a street secretary, a liaison and a department's person on duty: no server error, every
response as the schema says. Prints the operations and examples run per role.

The schema is read from the Django app through schemathesis's WSGI transport; requests run in the test's own
transaction. Path ids and ids in bodies are drawn partly from what the role may see (and one object outside it),
so that the examples reach the services rather than stopping at 404s and "does not exist"."""

import logging
import os
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.throttling import UserRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from committees.services import access
from tests.api.world import build_world, id_pools

pytestmark = pytest.mark.django_db

# Examples per operation and generation mode; 2 roles × ~45 operations × (positive + negative) stay well under
# three minutes on two cores.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
BODY_ID_FIELDS = {
    "committee": "committees",
    "owner_committee": "committees",
    "unit": "member-units",
    "owner_unit": "member-units",
    "lead_unit": "member-units",
    "category": "categories",
    "proposal": "proposals",
    "user": "people",
    "collection_request": "collection-requests",
    "part": "summons-parts",
    "need": "needs",
    "community": "committees",
    "task": "community-tasks",
}


@pytest.fixture
def wsgi_app(monkeypatch):
    # As Django's test client does: a request must not close the connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": None})
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class Tally:
    """What one role's run did: examples per generation mode, and each failure found (one per operation)."""

    def __init__(self):
        self.examples: Counter = Counter()
        self.failures: dict[str, str] = {}
        self.kinds: Counter = Counter()
        self.statuses: Counter = Counter()  # responses by class: 2xx, 4xx, ...


def fuzz_operation(operation, mode, *, headers, pools, tally: Tally) -> None:
    resource = operation.path.removeprefix("/api/v1/").split("/")[0]
    label = f"{operation.method.upper()} {operation.path} [{mode}]"

    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case, data):
        if "id" in (case.path_parameters or {}) and pools.get(resource) and data.draw(st.booleans()):
            case.path_parameters["id"] = data.draw(st.sampled_from(pools[resource]))
        if isinstance(case.body, dict):
            for field, pool_name in BODY_ID_FIELDS.items():
                if field in case.body and pools.get(pool_name) and data.draw(st.booleans()):
                    case.body[field] = data.draw(st.sampled_from(pools[pool_name]))
        tally.examples[str(mode)] += 1
        response = case.call(headers=headers)
        tally.statuses[f"{response.status_code // 100}xx"] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        run()
    except Exception as error:  # noqa: BLE001 - recorded; the run goes on with the next operation
        tally.failures.setdefault(label, str(error)[:3000])
        for failure in _leaves(error):
            tally.kinds[type(failure).__name__] += 1


def _leaves(error: BaseException):
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _leaves(inner)
    else:
        yield error


def fuzz(app, user, pools) -> tuple[int, Tally]:
    """Every operation in both generation modes as `user`."""
    headers = {"Authorization": f"Token {access.issue_token(user=user)[1]}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Revoking logs the token out: that operation runs last, or every later one would only meet 401s.
    operations.sort(key=lambda operation: operation.path == "/api/v1/auth/token/revoke/")
    tally = Tally()
    for operation in operations:
        for mode in MODES:
            fuzz_operation(operation, mode, headers=headers, pools=pools, tally=tally)
    return len(operations), tally


@pytest.mark.parametrize("role", ["street secretary", "liaison", "department", "party member"])
def test_every_operation_answers_without_server_errors_and_as_the_schema_says(wsgi_app, caplog, role):
    caplog.set_level(logging.ERROR, logger="django.request")  # thousands of 400s and 404s are expected
    world = build_world()
    user = world["roles"][role]
    operations, tally = fuzz(wsgi_app, user, id_pools(user, world))
    print(
        f"schemathesis role={role!r} operations={operations} examples={sum(tally.examples.values())} "
        f"(positive={tally.examples['positive']} negative={tally.examples['negative']}) "
        f"server_errors={tally.kinds['ServerError']} "
        f"schema_violations={tally.kinds['JsonSchemaError'] + tally.kinds['MalformedMediaType'] + tally.kinds['UndefinedContentType']} "
        f"failing_operations={len(tally.failures)} responses={dict(sorted(tally.statuses.items()))}"
    )
    assert not tally.failures, "\n\n".join(tally.failures.values())
