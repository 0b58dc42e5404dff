"""The HTTP API over real HTTP: uvicorn on a free port, httpx as the client."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr, ValidationError
from starlette.concurrency import run_in_threadpool

from memoryd.config import ScopedApiToken, load_settings
from memoryd.daemon.auth import ADMIN, ApiToken, TokenRegistry, TokenScope
from memoryd.daemon.http import create_app
from memoryd.errors import NotOwnedError, PayloadTooLargeError, TransientError
from memoryd.events import MAX_JSON_DEPTH, ContextSnapshot, Event, SnapshotItem, json_depth
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Category, MemorizeResult, UserStats
from memoryd.memory.settings import MemorySettings
from memoryd.schedulers.jobs import JobName
from memoryd.schedulers.runs import RunReport
from memoryd.schedulers.service import EvolutionService
from memoryd.schedulers.settings import EvolutionSettings
from memoryd.telemetry.metrics import Metrics
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.memory_store import InMemoryStore

TOKEN = "s3cret-token"
JSON_TYPE = {"content-type": "application/json"}


class RecordingBackend:
    """An ``ApiBackend`` over a real engine on the in-memory store; records what it is asked."""

    def __init__(self) -> None:
        self._engine = MemoryEngine(
            InMemoryStore(), HashEmbedder(), settings=MemorySettings(lexical=False)
        )
        self._metrics = Metrics()
        self.enqueued: list[Event] = []
        self.snapshots: dict[str, ContextSnapshot] = {}
        self.forgotten: list[str] = []
        self.components = {"broker": True, "store": True}
        self.fail_transiently = False
        self.broken = False
        self.too_large = False  # the broker refuses enqueued events for their size
        self.foreign: set[str] = set()  # users another replica owns
        self.evolution = EvolutionService(
            self._engine, EvolutionSettings(), self._metrics, owns=lambda u: u not in self.foreign
        )

    @property
    def engine(self) -> MemoryEngine:
        return self._engine

    @property
    def metrics(self) -> Metrics:
        return self._metrics

    async def memorize_now(self, events: Sequence[Event]) -> MemorizeResult:
        if self.fail_transiently:
            raise TransientError("store at 10.0.0.7:6333 unreachable")
        return await run_in_threadpool(self._engine.memorize, list(events))

    async def enqueue(self, events: Sequence[Event]) -> None:
        if self.broken:
            raise RuntimeError("bug with secret detail")
        if self.too_large:
            raise PayloadTooLargeError("event 'e1' is larger than the broker's maximum payload")
        self.enqueued.extend(events)

    async def latest_snapshot(self, user_id: str) -> ContextSnapshot | None:
        return self.snapshots.get(user_id)

    async def delete_user(self, user_id: str) -> UserStats:
        before = await run_in_threadpool(self._engine.delete_user, user_id)
        self.forgotten.append(user_id)
        return before

    async def evolve(self, user_id: str | None, jobs: Sequence[JobName]) -> list[RunReport]:
        return await self.evolution.evolve(user_id, jobs or None)

    async def rollback_summary(self, user_id: str, category: str, version: int) -> Category:
        if user_id in self.foreign:
            raise NotOwnedError(f"user {user_id!r} is owned by another replica")
        return await run_in_threadpool(self._engine.rollback_summary, user_id, category, version)

    async def readiness(self) -> dict[str, bool]:
        if self.broken:
            raise RuntimeError("bug with secret detail")
        return dict(self.components)


@contextmanager
def serve(app: FastAPI) -> Iterator[httpx.Client]:
    """Run ``app`` under uvicorn in a thread on a free port; stop it and join the thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(3000):  # up to 30 s: the suite shares two cores with brokers
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.01)
        if not server.started:
            raise RuntimeError("uvicorn did not start")
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=10, trust_env=False
        ) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        if thread.is_alive():
            raise RuntimeError("uvicorn did not stop")


@pytest.fixture
def backend() -> Iterator[RecordingBackend]:
    backend = RecordingBackend()
    yield backend
    backend.engine.close()


@pytest.fixture
def api(backend: RecordingBackend) -> Iterator[httpx.Client]:
    with serve(create_app(backend, api_token=None)) as client:
        yield client


def event(event_id: str, user_id: str, content: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "user_id": user_id,
        "speaker": "Caroline",
        "content": content,
        "time": "2023-05-08T13:56:00Z",
        **extra,
    }


def user_url(user_id: str, suffix: str = "") -> str:
    return f"/v1/users/{quote(user_id, safe='')}{suffix}"


# -- events -------------------------------------------------------------------------------


def test_events_wait_memorises_and_reports_written_items(api: httpx.Client) -> None:
    # Given two events for one user
    events = [
        event("e1", "alice", "I moved to Lisbon last week."),
        event("e2", "alice", "My sister Anna is a nurse."),
    ]
    # When they are posted with the default wait=true
    response = api.post("/v1/events", json=events)
    # Then they are memorised before the answer
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == ["e1", "e2"]
    assert body["rejected"] == []
    assert body["items_written"] >= 1
    assert set(body["touched_categories"]) == {"alice"}
    assert api.get(user_url("alice", "/stats")).json()["events"] == 2


def test_events_accepts_a_single_object(api: httpx.Client) -> None:
    response = api.post("/v1/events", json=event("e1", "alice", "I love jazz music."))
    assert response.status_code == 200
    assert response.json()["accepted"] == ["e1"]


def test_events_without_wait_are_enqueued_not_memorised(
    api: httpx.Client, backend: RecordingBackend
) -> None:
    response = api.post(
        "/v1/events", params={"wait": "false"}, json=[event("e1", "bob", "I play chess.")]
    )
    assert response.status_code == 202
    assert response.json() == {"accepted": ["e1"], "rejected": []}
    assert [e.id for e in backend.enqueued] == ["e1"]
    assert api.get(user_url("bob", "/stats")).json()["events"] == 0


def test_each_invalid_event_is_rejected_naming_the_field(api: httpx.Client) -> None:
    # Given a batch with one good event, one without content and one that isn't an object
    events: list[Any] = [
        event("good", "alice", "I love jazz music."),
        {"id": "no-content", "user_id": "alice"},
        "not an event",
        event("bad-time", "alice", "I swim.", time="yesterday-ish"),
    ]
    # When it is posted
    response = api.post("/v1/events", json=events)
    # Then the good event goes through and each bad one is reported on its own
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == ["good"]
    rejected = {r["index"]: r for r in body["rejected"]}
    assert rejected[1]["id"] == "no-content"
    assert rejected[1]["field"] == "content"
    assert rejected[2]["field"] is None and "object" in rejected[2]["reason"]
    assert rejected[3]["id"] == "bad-time" and rejected[3]["field"] == "time"


def test_a_request_with_no_valid_event_is_422_with_the_list(api: httpx.Client) -> None:
    response = api.post("/v1/events", json=[{"id": "x", "content": "hi"}])
    assert response.status_code == 422
    assert response.json()["rejected"] == [
        {"index": 0, "id": "x", "field": "user_id", "reason": "Field required"}
    ]


@pytest.mark.parametrize("body", [b"{not json", b"[]", b"\xff\xfe"])
def test_unusable_bodies_are_422(api: httpx.Client, body: bytes) -> None:
    response = api.post("/v1/events", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


def test_oversized_bodies_are_413(backend: RecordingBackend) -> None:
    app = create_app(backend, api_token=None, max_body_bytes=1024)
    big = [event(f"e{i}", "alice", "x" * 100) for i in range(20)]
    with serve(app) as client:
        declared = client.post("/v1/events", json=big)
        chunked = client.post(
            "/v1/events", content=iter([b"[", b" " * 2048, b"]"]), headers=JSON_TYPE
        )
        retrieve = client.post(
            "/v1/retrieve", content=iter([b"{", b" " * 2048, b"}"]), headers=JSON_TYPE
        )
        small = client.post("/v1/events", json=event("e1", "alice", "I love jazz music."))
    assert declared.status_code == 413
    assert chunked.status_code == 413
    assert retrieve.status_code == 413
    assert "1024" in chunked.json()["detail"]
    assert small.status_code == 200


def test_transient_failures_are_503_with_retry_after(
    api: httpx.Client, backend: RecordingBackend
) -> None:
    backend.fail_transiently = True
    response = api.post("/v1/events", json=event("e1", "alice", "I love jazz music."))
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert "10.0.0.7" not in response.text


def test_unexpected_errors_are_500_without_details(
    api: httpx.Client, backend: RecordingBackend
) -> None:
    backend.broken = True
    response = api.post(
        "/v1/events", params={"wait": "false"}, json=event("e1", "alice", "I love jazz music.")
    )
    assert response.status_code == 500
    body = response.json()
    assert body == {"detail": "internal server error", "request_id": body["request_id"]}
    assert response.headers["x-request-id"] == body["request_id"]
    assert "secret" not in response.text
    metrics = api.get("/metrics").text
    assert 'route="/v1/events",status="500"} 1.0' in metrics


# -- retrieval ----------------------------------------------------------------------------


def test_retrieve_returns_items_with_sources_for_that_user_only(api: httpx.Client) -> None:
    # Given two users who said similar things
    api.post(
        "/v1/events",
        json=[
            event("a1", "alice", "I moved to Lisbon last week."),
            event("b1", "bob", "I moved to Lisbon last month.", speaker="Bob"),
        ],
    ).raise_for_status()
    # When alice's memory is searched
    response = api.post(
        "/v1/retrieve", json={"user_id": "alice", "query": "Where does Caroline live?"}
    )
    # Then only her items (each with its sources) and her events come back
    assert response.status_code == 200
    body = response.json()
    assert body["items"], body
    for item in body["items"]:
        assert set(item) >= {
            "id", "text", "category", "memory_type", "score", "sources", "happened_at",
            "reinforcement",
        }  # fmt: skip
        assert item["sources"] == ["a1"]
    assert [r["event_id"] for r in body["resources"]] == ["a1"]
    assert body["categories"]


def test_retrieve_validates_top_k_and_unknown_fields(api: httpx.Client) -> None:
    for bad in ({"top_k": 0}, {"top_k": 101}, {"topk": 5}, {"method": "magic"}):
        response = api.post("/v1/retrieve", json={"user_id": "u", "query": "q", **bad})
        assert response.status_code == 422, bad
        assert "input" not in response.json()["detail"][0]


def test_retrieve_llm_method_is_400_when_unavailable(api: httpx.Client) -> None:
    response = api.post("/v1/retrieve", json={"user_id": "u", "query": "q", "method": "llm"})
    assert response.status_code == 400
    assert "needs LLM mode" in response.json()["detail"]


# -- users --------------------------------------------------------------------------------


def test_categories_items_and_stats(api: httpx.Client) -> None:
    api.post(
        "/v1/events",
        json=[
            event("e1", "alice", "I moved to Lisbon last week."),
            event("e2", "alice", "I love jazz music."),
        ],
    ).raise_for_status()

    categories = api.get(user_url("alice", "/categories")).json()
    items = api.get(user_url("alice", "/items")).json()
    stats = api.get(user_url("alice", "/stats")).json()

    assert categories["user_id"] == "alice"
    names = {c["name"] for c in categories["categories"]}
    assert names and all(c["summary"] for c in categories["categories"])
    assert items["items"] and all(i["user_id"] == "alice" for i in items["items"])
    assert stats == {
        "events": 2,
        "items": len(items["items"]),
        "categories": len(names),
        "last_event_id": "e2",
    }
    one = items["items"][0]["category"]
    filtered = api.get(user_url("alice", "/items"), params={"category": one}).json()["items"]
    assert filtered and {i["category"] for i in filtered} == {one}


def test_unknown_user_has_empty_memory(api: httpx.Client) -> None:
    assert api.get(user_url("nobody", "/categories")).json()["categories"] == []
    assert api.get(user_url("nobody", "/items")).json()["items"] == []
    assert api.get(user_url("nobody", "/stats")).json() == {
        "events": 0,
        "items": 0,
        "categories": 0,
        "last_event_id": None,
    }


def test_snapshot_is_404_until_one_is_published(
    api: httpx.Client, backend: RecordingBackend
) -> None:
    missing = api.get(user_url("alice", "/snapshot"))
    assert missing.status_code == 404
    assert "no snapshot" in missing.json()["detail"]

    backend.snapshots["alice"] = ContextSnapshot(
        user_id="alice",
        version=3,
        generated_at=datetime(2023, 5, 8, tzinfo=UTC),
        items=[
            SnapshotItem(
                id="i1", text="t", category="c", memory_type="profile", score=1, sources=["e1"]
            )
        ],
    )
    found = api.get(user_url("alice", "/snapshot"))
    assert found.status_code == 200
    assert found.json()["version"] == 3
    assert found.json()["items"][0]["sources"] == ["e1"]


def test_delete_cascades_to_the_users_memory_only(
    api: httpx.Client, backend: RecordingBackend
) -> None:
    # Given two users with memory
    api.post(
        "/v1/events",
        json=[
            event("a1", "alice", "I love jazz music."),
            event("b1", "bob", "I love chess.", speaker="Bob"),
        ],
    ).raise_for_status()
    before = api.get(user_url("alice", "/stats")).json()
    # When alice is deleted
    response = api.delete(user_url("alice"))
    # Then everything of hers is gone, daemon state included, and bob is untouched
    assert response.status_code == 200
    assert response.json() == {
        "user_id": "alice",
        "deleted": {k: before[k] for k in ("events", "items", "categories")},
    }
    assert api.get(user_url("alice", "/stats")).json()["events"] == 0
    assert api.get(user_url("alice", "/items")).json()["items"] == []
    assert backend.forgotten == ["alice"]
    assert api.get(user_url("bob", "/stats")).json()["events"] == 1
    # And deleting again is harmless
    assert api.delete(user_url("alice")).json()["deleted"]["events"] == 0


@pytest.mark.parametrize("user_id", ["alice@example.com", "team/alice", "a b%2F/c"])
def test_user_ids_with_reserved_characters(api: httpx.Client, user_id: str) -> None:
    api.post("/v1/events", json=event("e1", user_id, "I love jazz music.")).raise_for_status()

    stats = api.get(user_url(user_id, "/stats"))
    items = api.get(user_url(user_id, "/items"))
    retrieved = api.post("/v1/retrieve", json={"user_id": user_id, "query": "jazz"})
    deleted = api.delete(user_url(user_id))

    assert stats.status_code == 200 and stats.json()["events"] == 1
    assert items.json()["user_id"] == user_id and items.json()["items"]
    assert retrieved.json()["items"][0]["sources"] == ["e1"]
    assert deleted.json()["user_id"] == user_id and deleted.json()["deleted"]["events"] == 1


# -- operations ---------------------------------------------------------------------------


def test_healthz_and_readyz(api: httpx.Client, backend: RecordingBackend) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "components": {"broker": True, "store": True}}

    backend.components["broker"] = False
    down = api.get("/readyz")
    assert down.status_code == 503
    assert down.json() == {"ready": False, "components": {"broker": False, "store": True}}

    backend.broken = True
    failing = api.get("/readyz")
    assert failing.status_code == 503
    assert failing.json() == {"ready": False, "components": {"readiness_check": False}}


def test_metrics_count_requests_by_route_template(api: httpx.Client) -> None:
    api.get(user_url("alice", "/stats")).raise_for_status()
    api.get(user_url("bob", "/stats")).raise_for_status()
    api.post("/v1/retrieve", json={"user_id": "alice", "query": "jazz"}).raise_for_status()
    api.get("/no/such/route")

    response = api.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "memoryd_http_requests_total" in text
    assert 'route="/v1/users/{user_id}/stats",status="200"} 2.0' in text
    assert 'route="unmatched",status="404"} 1.0' in text
    assert "alice" not in text and "bob" not in text
    assert 'memoryd_retrieve_seconds_count{method="rag"} 1.0' in text


# -- authentication -----------------------------------------------------------------------


@pytest.fixture
def secured(backend: RecordingBackend) -> Iterator[httpx.Client]:
    with serve(create_app(backend, api_token=TOKEN)) as client:
        yield client


def test_v1_requires_the_bearer_token(secured: httpx.Client) -> None:
    url = user_url("alice", "/stats")
    missing = secured.get(url)
    wrong = secured.get(url, headers={"Authorization": "Bearer not-the-token"})
    basic = secured.get(url, headers={"Authorization": f"Basic {TOKEN}"})
    right = secured.get(url, headers={"Authorization": f"Bearer {TOKEN}"})

    for refused in (missing, wrong, basic):
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert TOKEN not in refused.text
    assert right.status_code == 200
    refused_events = secured.post("/v1/events", json=event("e1", "alice", "I love jazz."))
    assert refused_events.status_code == 401


def test_operations_routes_need_no_token(secured: httpx.Client) -> None:
    assert secured.get("/healthz").status_code == 200
    assert secured.get("/readyz").status_code == 200
    assert secured.get("/metrics").status_code == 200


def test_openapi_declares_the_bearer_scheme(secured: httpx.Client) -> None:
    schema = secured.get("/openapi.json").json()

    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["type"] == "http"
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schema["paths"]["/v1/retrieve"]["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in schema["paths"]["/healthz"]["get"]
    assert "requestBody" in schema["paths"]["/v1/events"]["post"]


def test_an_empty_token_is_refused(backend: RecordingBackend) -> None:
    with pytest.raises(ValueError, match="api_token"):
        create_app(backend, api_token="")


# -- evolution ----------------------------------------------------------------------------


def test_evolve_runs_the_jobs_and_reports_what_changed(api: httpx.Client) -> None:
    # Two near-duplicates, close enough for consolidate (0.85) but not for ingest (0.9)
    api.post(
        "/v1/events",
        json=[
            event("e1", "u-1", "I love long hikes in the mountains with my dog."),
            event(
                "e2",
                "u-1",
                "I love long hikes in the mountains with my dog on weekends.",
                time="2023-09-01T10:00:00Z",
            ),
        ],
    )
    assert len(api.get(user_url("u-1", "/items")).json()["items"]) == 2
    response = api.post(user_url("u-1", "/evolve"), json={"job": "consolidate"})
    assert response.status_code == 200
    body = response.json()
    (run,) = body["runs"]
    assert (run["job"], run["outcome"], run["trigger"]) == ("consolidate", "changed", "manual")
    (merged,) = run["changes"]["merged"]
    assert body["changed"] == 1
    (live,) = api.get(user_url("u-1", "/items")).json()["items"]
    assert live["id"] != merged and live["sources"] == ["e1", "e2"]
    # No body: every enabled job, in order.
    every = api.post(user_url("u-1", "/evolve")).json()["runs"]
    assert [r["job"] for r in every] == ["consolidate", "decay", "discover", "resummarize"]
    assert [r["job"] for r in api.post("/v1/evolve", json={}).json()["runs"]] == [
        "consolidate",
        "decay",
        "discover",
        "resummarize",
    ]


def test_evolve_refuses_a_user_owned_elsewhere_and_unknown_jobs(
    api: httpx.Client, backend: RecordingBackend
) -> None:
    backend.foreign.add("u-2")
    response = api.post(user_url("u-2", "/evolve"), json={})
    assert response.status_code == 409
    assert "owned by another replica" in response.json()["detail"]
    rollback = api.post(user_url("u-2", "/categories/goals/rollback"), json={"version": 1})
    assert rollback.status_code == 409
    assert api.post(user_url("u-1", "/evolve"), json={"job": "tidy"}).status_code == 422


def test_rollback_restores_a_kept_summary_as_a_new_version(api: httpx.Client) -> None:
    texts = [
        "I love painting sunsets on weekends.",
        "I love painting sunsets at the beach.",
        "I love painting portraits of my dog.",
        "I love painting with watercolours.",
    ]
    for i, text in enumerate(texts):  # one batch each: each rewrites its category's summary
        api.post("/v1/events", json=[event(f"e{i}", "u-1", text)])
    categories = api.get(user_url("u-1", "/categories")).json()["categories"]
    current = next(c for c in categories if c["history"])
    name, kept = current["name"], current["history"][0]
    assert kept["version"] == current["summary_version"] - 1
    assert kept["summary"] != current["summary"]

    response = api.post(
        user_url("u-1", f"/categories/{name}/rollback"), json={"version": kept["version"]}
    )

    assert response.status_code == 200
    restored = response.json()
    assert restored["summary"] == kept["summary"]
    assert restored["summary_version"] == current["summary_version"] + 1
    assert restored["history"][0]["summary"] == current["summary"]
    assert not any(
        c["name"] == name and c["summary"] != kept["summary"]
        for c in api.get(user_url("u-1", "/categories")).json()["categories"]
    )
    # Later runs leave it in place while the category's items stay as they are.
    assert api.post(user_url("u-1", "/evolve"), json={}).status_code == 200
    (after,) = [
        c for c in api.get(user_url("u-1", "/categories")).json()["categories"] if c["name"] == name
    ]
    assert after["summary"] == kept["summary"] and after["summary_version"] == 2 + kept["version"]
    missing = api.post(user_url("u-1", f"/categories/{name}/rollback"), json={"version": 99})
    assert missing.status_code == 404 and "no kept summary version 99" in missing.json()["detail"]
    unknown = api.post(user_url("u-1", "/categories/nope/rollback"), json={"version": 1})
    assert unknown.status_code == 404 and "no category 'nope'" in unknown.json()["detail"]


# -- scoped tokens -------------------------------------------------------------------------


def test_token_scope_allows_its_users_and_prefix_only() -> None:
    scope = TokenScope("agent", users=frozenset({"ana"}), user_prefix="team-a/")

    assert scope.allows("ana") and scope.allows("team-a/zoe")
    assert not any(scope.allows(u) for u in ("anabel", "team-a", "team-b/x", "ANA", ""))
    assert ADMIN.allows("anyone") and not scope.admin


def test_a_token_is_resolved_to_its_scope_and_duplicates_are_refused() -> None:
    agent = TokenScope("agent", users=frozenset({"ana"}))
    registry = TokenRegistry.of(TOKEN, [ApiToken("agent-secret", agent)])

    assert registry is not None
    assert registry.scope_for(TOKEN) == ADMIN
    assert registry.scope_for("agent-secret") == agent
    assert registry.scope_for("agent-secre") is None
    assert TokenRegistry.of(None) is None
    with pytest.raises(ValueError, match="different"):
        TokenRegistry.of(TOKEN, [ApiToken(TOKEN, agent)])


def test_scoped_tokens_come_from_the_secrets_dir_and_need_a_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the scoped tokens as a Kubernetes Secret would mount them (one JSON file)
    (tmp_path / "scoped_api_tokens").write_text(
        json.dumps([{"name": "agent-a", "token": "tok-a", "user_prefix": "team-a/"}])
    )
    monkeypatch.setenv("MEMORYD_SECRETS_DIR", str(tmp_path))

    # When the settings load, then the token is there and hidden in their repr
    [scoped] = load_settings().scoped_api_tokens
    assert (scoped.name, scoped.user_prefix) == ("agent-a", "team-a/")
    assert scoped.token.get_secret_value() == "tok-a" and "tok-a" not in repr(scoped)
    # and a token limited to nothing, or equal to the admin token, is a configuration error
    with pytest.raises(ValidationError, match="users, user_prefix"):
        ScopedApiToken(name="x", token=SecretStr("t"))
    with pytest.raises(ValidationError, match="different"):
        load_settings(api_token="tok-a")


def test_the_bearer_scheme_resolves_scoped_tokens(backend: RecordingBackend) -> None:
    agent = ApiToken("agent-secret", TokenScope("agent", users=frozenset({"ana"})))
    with serve(create_app(backend, api_token=None, scoped_tokens=[agent])) as client:
        auth = {"Authorization": "Bearer agent-secret"}
        assert client.get(user_url("ana", "/stats"), headers=auth).status_code == 200
        assert client.get(user_url("bob", "/stats"), headers=auth).status_code == 403
        assert client.get(user_url("ana", "/stats")).status_code == 401
        assert client.post("/v1/evolve", headers=auth).status_code == 403


# -- hostile bodies and errors ---------------------------------------------------------------


def test_an_unexpected_error_is_logged_once_under_its_request_id(
    api: httpx.Client, backend: RecordingBackend, caplog: pytest.LogCaptureFixture
) -> None:
    backend.broken = True
    response = api.post(
        "/v1/events", params={"wait": "false"}, json=event("e1", "alice", "I love jazz music.")
    )

    request_id = response.json()["request_id"]
    [record] = [r for r in caplog.records if getattr(r, "request_id", None) == request_id]
    assert record.exc_info is not None and record.levelname == "ERROR"
    assert "Traceback" not in response.text and "RuntimeError" not in response.text


def test_a_broker_refusing_an_event_for_its_size_is_413(
    api: httpx.Client, backend: RecordingBackend
) -> None:
    backend.too_large = True
    response = api.post(
        "/v1/events", params={"wait": "false"}, json=event("e1", "alice", "I love jazz music.")
    )
    assert response.status_code == 413
    assert "maximum payload" in response.json()["detail"]


def test_json_depth_counts_nesting_without_recursion() -> None:
    assert json_depth(0) == 0 and json_depth({}) == 1 and json_depth({"a": [[1]]}) == 3
    deep: Any = 0
    for _ in range(10_000):
        deep = [deep]
    assert json_depth(deep) == MAX_JSON_DEPTH + 1  # stops walking past the limit
