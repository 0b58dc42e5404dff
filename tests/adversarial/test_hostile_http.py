"""Hostile HTTP requests against a running ``memoryd up``: each gets a 4xx that says why,
never a 5xx, and nothing of it reaches memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import ADMIN_TOKEN, AGENT_TOKEN
from .processes import MemorydUp

MAX_EVENT_BYTES = 256 << 10  # batch.max_event_bytes, default
MAX_BODY_BYTES = 8 << 20  # http.max_body_bytes, default


@pytest.fixture(scope="module")
def admin(secured_up: MemorydUp) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=secured_up.api, headers=headers, trust_env=False, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def agent(secured_up: MemorydUp) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {AGENT_TOKEN}"}
    with httpx.Client(base_url=secured_up.api, headers=headers, trust_env=False, timeout=60) as c:
        yield c


def event(event_id: str, user_id: str, content: str = "I moved to Lisbon.") -> dict[str, Any]:
    return {"id": event_id, "user_id": user_id, "content": content, "time": "2024-05-01T10:00:00Z"}


def memorised(client: httpx.Client, user_id: str) -> int:
    return int(client.get(f"/v1/users/{user_id}/stats").json()["events"])


# -- sizes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("wait", ["true", "false"])
@pytest.mark.parametrize("size", [300 << 10, 5 << 20], ids=["300KB", "5MB"])
def test_an_event_over_max_event_bytes_is_413_on_both_paths(
    admin: httpx.Client, wait: str, size: int
) -> None:
    # Given an event larger than batch.max_event_bytes (smaller than the body limit)
    user = f"big-{wait}-{size}"
    big = event("big-1", user, "x" * size)

    # When it is posted, memorised now or enqueued
    response = admin.post("/v1/events", params={"wait": wait}, json=big)

    # Then it is refused with the limit in the message, and never memorised
    assert response.status_code == 413, response.text
    assert str(MAX_EVENT_BYTES) in response.json()["detail"]
    assert memorised(admin, user) == 0


def test_a_body_over_the_request_limit_is_413_before_parsing(admin: httpx.Client) -> None:
    body = b"[" + b" " * (MAX_BODY_BYTES + 1) + b"]"
    response = admin.post("/v1/events", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert str(MAX_BODY_BYTES) in response.json()["detail"]


# -- shapes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the JSON parser goes
        # parses, but nests far deeper than an event needs
        json.dumps({**event("deep-1", "deep"), "metadata": {"a": 0}})
        .replace(": 0}", ": " + "[" * 100 + "0" + "]" * 100 + "}")
        .encode(),
    ],
    ids=["beyond-the-parser", "deep-metadata"],
)
def test_json_nested_too_deeply_is_400(admin: httpx.Client, body: bytes) -> None:
    response = admin.post("/v1/events", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert "nested" in response.json()["detail"]
    assert memorised(admin, "deep") == 0


@pytest.mark.parametrize("depth", [500, 100_000])
def test_deep_json_inside_a_cloudevents_string_data_is_rejected(
    admin: httpx.Client, depth: int
) -> None:
    # Given an envelope whose data is a JSON string nesting far too deep
    inner = '{"user_id": "deep-ce", "content": "hi", "metadata": {"a": %s}}' % (
        "[" * depth + "]" * depth
    )
    envelope = {"specversion": "1.0", "id": f"deep-{depth}", "data": inner}

    # When it is posted, then that event is rejected as invalid, not a server error
    response = admin.post("/v1/events", json=envelope)
    assert response.status_code == 422, response.text
    assert "nested" in response.json()["rejected"][0]["reason"]
    assert memorised(admin, "deep-ce") == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_declared_json_is_415(
    admin: httpx.Client, content_type: str | None
) -> None:
    # Given a valid event sent as another media type (or none)
    body = json.dumps(event("plain-1", "plain")).encode()
    headers = {"content-type": content_type} if content_type else {}
    # When it is posted (httpx adds no content type to raw bytes), then it is refused unread
    response = admin.post("/v1/events", content=body, headers=headers)
    assert response.status_code == 415, response.text
    assert "application/json" in response.json()["detail"]
    assert memorised(admin, "plain") == 0


def test_cloudevents_json_media_type_is_accepted(admin: httpx.Client) -> None:
    envelope = {
        "specversion": "1.0",
        "id": "ce-ok",
        "source": "t",
        "type": "chat",
        "data": {"user_id": "ce-user", "content": "I like green tea."},
    }
    response = admin.post(
        "/v1/events",
        content=json.dumps(envelope),
        headers={"content-type": "application/cloudevents+json; charset=utf-8"},
    )
    assert response.status_code == 200, response.text
    assert memorised(admin, "ce-user") == 1


@pytest.mark.parametrize("version", ["0.3", "2.0", 1.0])
def test_cloudevents_other_than_1_0_are_rejected(admin: httpx.Client, version: Any) -> None:
    # Given a CloudEvents envelope of another specversion
    envelope = {
        "specversion": version,
        "id": f"ce-{version}",
        "source": "t",
        "type": "chat",
        "data": {"user_id": "ce-old", "content": "I like black tea."},
    }

    # When it is posted, then it is rejected naming the field and the version expected
    response = admin.post("/v1/events", json=envelope)
    assert response.status_code == 422, response.text
    [rejected] = response.json()["rejected"]
    assert rejected["field"] == "specversion" and "'1.0'" in rejected["reason"]
    assert memorised(admin, "ce-old") == 0


# -- scoped tokens ----------------------------------------------------------------------------

PER_USER = [
    ("GET", "/categories", None),
    ("GET", "/items", None),
    ("GET", "/snapshot", None),
    ("GET", "/stats", None),
    ("POST", "/evolve", {}),
    ("POST", "/categories/preferences/rollback", {"version": 1}),
    ("DELETE", "", None),
]


@pytest.mark.parametrize(("method", "suffix", "body"), PER_USER)
def test_a_scoped_token_is_403_on_every_route_of_another_user(
    agent: httpx.Client, method: str, suffix: str, body: Any
) -> None:
    for outsider in ("bob", "team-b/ana", "anabel", "team-a"):
        response = agent.request(method, f"/v1/users/{outsider}{suffix}", json=body)
        assert response.status_code == 403, (outsider, response.text)
        assert AGENT_TOKEN not in response.text


def test_a_scoped_token_works_for_its_users_and_prefix(
    agent: httpx.Client, admin: httpx.Client
) -> None:
    # Given the agent's token, scoped to "ana" and to ids starting with "team-a/"
    for user in ("ana", "team-a/zoe"):
        # When it writes and reads that user's memory, then it may
        written = agent.post("/v1/events", json=event(f"in-{user}", user, "I play the cello."))
        assert written.status_code == 200, written.text
        found = agent.post("/v1/retrieve", json={"user_id": user, "query": "instrument"})
        assert found.status_code == 200 and found.json()["items"]
        assert agent.get(f"/v1/users/{user}/stats").json()["events"] == 1
    assert agent.delete("/v1/users/team-a/zoe").status_code == 200
    assert memorised(admin, "team-a/zoe") == 0


def test_a_scoped_token_cannot_write_or_read_another_user_through_a_body(
    agent: httpx.Client, admin: httpx.Client
) -> None:
    # Given a batch with one event of the agent's user and one of another user
    batch = [event("mix-1", "ana", "I like rowing."), event("mix-2", "bob", "I like chess.")]

    # When the agent posts it (either way), then none of it is accepted
    for wait in ("true", "false"):
        response = agent.post("/v1/events", params={"wait": wait}, json=batch)
        assert response.status_code == 403, response.text
    assert memorised(admin, "bob") == 0

    # and it cannot retrieve another user's memory either
    response = agent.post("/v1/retrieve", json={"user_id": "bob", "query": "chess"})
    assert response.status_code == 403


def test_admin_only_routes_refuse_a_scoped_token(agent: httpx.Client, admin: httpx.Client) -> None:
    assert agent.post("/v1/evolve", json={}).status_code == 403
    assert admin.post("/v1/evolve", json={}).status_code == 200


def test_unknown_tokens_are_401(secured_up: MemorydUp) -> None:
    with httpx.Client(base_url=secured_up.api, trust_env=False, timeout=10) as anonymous:
        assert anonymous.get("/v1/users/ana/stats").status_code == 401
        wrong = {"Authorization": f"Bearer {AGENT_TOKEN}x"}
        assert anonymous.get("/v1/users/ana/stats", headers=wrong).status_code == 401
