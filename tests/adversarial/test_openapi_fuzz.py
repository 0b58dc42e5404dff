"""Requests generated from the daemon's own OpenAPI schema, sent to a running
``memoryd up`` with the admin token: whatever they hold, none gets a 5xx."""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.openapi import from_dict

from memoryd.daemon.http import create_app
from memoryd.telemetry.metrics import Metrics

from .conftest import ADMIN_TOKEN
from .processes import MemorydUp

# 13 operations, both modes: ~650 requests in all (~15 s), so that the suite stays quick.
MAX_EXAMPLES = 50


class _SchemaOnly:
    """Enough of a backend to build the app and read its OpenAPI document."""

    metrics = Metrics()


def _openapi() -> dict[str, Any]:
    # Loaded at collection, from the same factory the daemon uses (schemathesis' lazy
    # fixture loader does not run on this pytest). The test checks the two agree.
    return create_app(_SchemaOnly(), api_token=ADMIN_TOKEN).openapi()  # type: ignore[arg-type]


OPENAPI = _openapi()
schema = from_dict(OPENAPI)
# Also requests the schema forbids (wrong types, missing fields, NUL bytes in strings).
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], allow_x00=True
)


def test_the_fuzzed_schema_is_the_running_daemons(secured_up: MemorydUp) -> None:
    served = httpx.get(f"{secured_up.api}/openapi.json", trust_env=False, timeout=10).json()
    assert served == OPENAPI


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_gets_a_5xx(case: schemathesis.Case, secured_up: MemorydUp) -> None:
    case.call_and_validate(
        base_url=secured_up.api,
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        checks=[not_a_server_error],
        timeout=30,
    )
