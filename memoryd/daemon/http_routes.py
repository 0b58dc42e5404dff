"""The ``/v1`` routes: events in, retrieval, and per-user memory management.

The engine is synchronous, so every engine call runs in the thread pool; the event loop
only parses, dispatches and serialises.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from memoryd.daemon.auth import authorize_admin, authorize_user
from memoryd.daemon.http_models import (
    DeletedCounts,
    ErrorBody,
    EventsAccepted,
    EventsMemorized,
    EventsRejected,
    EvolveRequest,
    EvolveResponse,
    ItemForgotten,
    RejectedEvent,
    RetrieveRequest,
    RetrieveResponse,
    RollbackRequest,
    UserCategories,
    UserDeleted,
    UserItems,
    UserStatsResponse,
    retrieve_response,
)
from memoryd.daemon.ports import ApiBackend
from memoryd.errors import InvalidEventError, NotOwnedError
from memoryd.events import (
    MAX_ID_LENGTH,
    MAX_JSON_DEPTH,
    ContextSnapshot,
    Event,
    json_depth,
    parse_event,
)
from memoryd.memory.models import Category

# ``:path`` lets a URL-encoded "/" through: user ids are opaque and may contain anything.
USER_PATH = "/users/{user_id:path}"
UserId = Annotated[str, Path(min_length=1, max_length=MAX_ID_LENGTH)]

_EVENT_SCHEMA = Event.model_json_schema()
# Declared by hand: the route reads the raw body to validate each event on its own.
_EVENTS_BODY_SCHEMA = {
    "anyOf": [{"type": "array", "items": _EVENT_SCHEMA, "minItems": 1}, _EVENT_SCHEMA]
}


def v1_router(
    backend: ApiBackend, *, max_event_bytes: int, dependencies: Sequence[Any] = ()
) -> APIRouter:
    """The ``/v1`` API over ``backend``; ``dependencies`` (e.g. authentication) guard it all.
    An event larger than ``max_event_bytes`` (as published) gets 413, whatever ``wait``."""
    router = APIRouter(prefix="/v1", dependencies=list(dependencies))
    _add_event_routes(router, backend, max_event_bytes)
    _add_retrieve_route(router, backend)
    _add_user_routes(router, backend)
    _add_user_evolution_routes(router, backend)
    _add_evolution_routes(router, backend)
    return router


async def _user_in_scope(request: Request, user_id: UserId) -> None:
    authorize_user(request, user_id)


#: Every route under /users/{user_id} checks the token's scope against that user.
IN_SCOPE = [Depends(_user_in_scope)]


def split_events(payload: Any, received_at: datetime) -> tuple[list[Event], list[RejectedEvent]]:
    """Validate each event of a request body on its own, so one bad event rejects only itself."""
    raws = payload if isinstance(payload, list) else [payload]
    valid: list[Event] = []
    rejected: list[RejectedEvent] = []
    for index, raw in enumerate(raws):
        if not isinstance(raw, dict):
            rejected.append(RejectedEvent(index=index, reason="an event must be a JSON object"))
            continue
        try:
            valid.append(parse_event(raw, received_at=received_at))
        except InvalidEventError as exc:
            event_id = exc.event_id if exc.event_id is not None else raw.get("id")
            rejected.append(
                RejectedEvent(
                    index=index,
                    id=event_id if isinstance(event_id, str) else None,
                    field=exc.field,
                    reason=exc.reason,
                )
            )
    return valid, rejected


def _json_body(body: bytes) -> Any:
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"request body is not valid UTF-8 JSON: {exc}"
        ) from None
    except RecursionError:  # deeper than the parser goes
        raise _too_deep() from None
    if json_depth(payload) > MAX_JSON_DEPTH:
        raise _too_deep()
    if payload == []:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "expected at least one event")
    return payload


def _too_deep() -> HTTPException:
    return HTTPException(
        status.HTTP_400_BAD_REQUEST, f"request body is JSON nested deeper than {MAX_JSON_DEPTH}"
    )


def _refuse_oversized(events: Sequence[Event], limit: int) -> None:
    """413 unless every event, as it would be published, fits ``batch.max_event_bytes``:
    the same limit the consumer dead-letters by, so wait=true and wait=false agree."""
    for event in events:
        size = len(event.model_dump_json(exclude_none=True).encode())
        if size > limit:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                f"event {event.id!r} is {size} bytes; the limit is {limit} bytes "
                "(batch.max_event_bytes)",
            )


def _add_event_routes(router: APIRouter, backend: ApiBackend, max_event_bytes: int) -> None:
    @router.post(
        "/events",
        response_model=EventsMemorized,
        responses={
            202: {"model": EventsAccepted, "description": "Enqueued (`wait=false`)."},
            400: {"model": ErrorBody, "description": "JSON nested too deeply."},
            413: {"model": ErrorBody, "description": "The body or an event is too large."},
            422: {"model": EventsRejected, "description": "No event of the request was valid."},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _EVENTS_BODY_SCHEMA}},
            }
        },
        tags=["events"],
    )
    async def post_events(
        request: Request,
        wait: Annotated[
            bool, Query(description="Memorise before answering (200) or only enqueue (202).")
        ] = True,
    ) -> JSONResponse:
        """Memorise events now, or enqueue them for the consumer. A list or one event.

        Each event is validated on its own: invalid ones are listed in ``rejected`` with
        the offending field and the rest go through. Only if none is valid is it a 422.
        """
        payload = _json_body(await request.body())
        valid, rejected = split_events(payload, datetime.now(UTC))
        if not valid:
            body = EventsRejected(detail="no valid event in the request", rejected=rejected)
            return JSONResponse(body.model_dump(mode="json"), status.HTTP_422_UNPROCESSABLE_CONTENT)
        for user_id in {event.user_id for event in valid}:
            authorize_user(request, user_id)  # nothing is accepted if one is out of scope
        _refuse_oversized(valid, max_event_bytes)
        accepted = [event.id for event in valid]
        if not wait:
            await backend.enqueue(valid)
            queued = EventsAccepted(accepted=accepted, rejected=rejected)
            return JSONResponse(queued.model_dump(mode="json"), status.HTTP_202_ACCEPTED)
        result = await backend.memorize_now(valid)
        done = EventsMemorized(
            accepted=accepted,
            rejected=rejected,
            items_written=len(result.items),
            touched_categories=result.touched_categories,
        )
        return JSONResponse(done.model_dump(mode="json"))


def _add_retrieve_route(router: APIRouter, backend: ApiBackend) -> None:
    @router.post(
        "/retrieve",
        responses={400: {"model": ErrorBody}, 403: {"model": ErrorBody}},
        tags=["retrieval"],
    )
    async def retrieve(http: Request, request: RetrieveRequest) -> RetrieveResponse:
        """The memory relevant to ``query`` for one user (optionally one agent)."""
        authorize_user(http, request.user_id)
        started = time.perf_counter()
        result = await run_in_threadpool(
            backend.engine.retrieve,
            request.user_id,
            request.query,
            request.top_k,
            request.method,
            agent_id=request.agent_id,
            context=request.context,
            include_history=request.include_history,
        )
        elapsed = time.perf_counter() - started
        backend.metrics.retrieve_seconds.labels(method=request.method).observe(elapsed)
        return retrieve_response(result)


def _add_user_routes(router: APIRouter, backend: ApiBackend) -> None:
    @router.get(f"{USER_PATH}/categories", dependencies=IN_SCOPE, tags=["users"])
    async def user_categories(user_id: UserId) -> UserCategories:
        """The user's categories with their summaries (empty for an unknown user)."""
        found = await run_in_threadpool(backend.engine.categories, user_id)
        return UserCategories(user_id=user_id, categories=found)

    @router.get(f"{USER_PATH}/items", dependencies=IN_SCOPE, tags=["users"])
    async def user_items(
        user_id: UserId,
        category: Annotated[str | None, Query(description="Only items of this category.")] = None,
    ) -> UserItems:
        """The user's live (not archived) items, oldest first."""
        found = await run_in_threadpool(backend.engine.items, user_id, category=category)
        return UserItems(user_id=user_id, items=found)

    @router.get(
        f"{USER_PATH}/snapshot",
        dependencies=IN_SCOPE,
        responses={404: {"model": ErrorBody}},
        tags=["users"],
    )
    async def user_snapshot(user_id: UserId) -> ContextSnapshot:
        """The last context snapshot published for the user."""
        snapshot = await backend.latest_snapshot(user_id)
        if snapshot is None:
            raise HTTPException(
                status.HTTP_404_NOT_FOUND, "no snapshot has been published for this user yet"
            )
        return snapshot

    @router.delete(
        USER_PATH + "/items/{item_id}",
        dependencies=IN_SCOPE,
        responses={404: {"model": ErrorBody}},
        tags=["users"],
    )
    async def forget_item(user_id: UserId, item_id: str) -> ItemForgotten:
        """Forget one item: it is archived as ``forgotten`` (kept for lineage), leaves
        retrieval and the category summaries, and a snapshot without it follows.
        Idempotent; 404 if the user has no such item."""
        try:
            item = await backend.forget_item(user_id, item_id)
        except LookupError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        return ItemForgotten(user_id=user_id, item=item)

    @router.get(f"{USER_PATH}/stats", dependencies=IN_SCOPE, tags=["users"])
    async def user_stats(user_id: UserId) -> UserStatsResponse:
        """Counters for the user; ``events`` is the number of events memorised so far."""
        stats = await run_in_threadpool(backend.engine.stats, user_id)
        return UserStatsResponse.of(stats)

    @router.delete(USER_PATH, dependencies=IN_SCOPE, tags=["users"])
    async def delete_user(user_id: UserId) -> UserDeleted:
        """Delete the user's events, items, categories and daemon state; idempotent."""
        before = await backend.delete_user(user_id)
        counts = DeletedCounts(
            events=before.events, items=before.items, categories=before.categories
        )
        return UserDeleted(user_id=user_id, deleted=counts)


def _add_user_evolution_routes(router: APIRouter, backend: ApiBackend) -> None:
    @router.post(
        f"{USER_PATH}/evolve",
        dependencies=IN_SCOPE,
        responses={409: {"model": ErrorBody}},
        tags=["evolution"],
    )
    async def evolve_user(user_id: UserId, request: EvolveRequest | None = None) -> EvolveResponse:
        """Run self-evolution for the user now and report what changed. 409 if another
        replica owns the user (only the owner evolves a user)."""
        try:
            runs = await backend.evolve(user_id, (request or EvolveRequest()).chosen())
        except NotOwnedError as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        return EvolveResponse(runs=runs, changed=sum(r.outcome == "changed" for r in runs))

    @router.post(
        USER_PATH + "/categories/{category}/rollback",
        dependencies=IN_SCOPE,
        responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
        tags=["evolution"],
    )
    async def rollback_summary(
        user_id: UserId, category: str, request: RollbackRequest
    ) -> Category:
        """Make a kept earlier summary of the category current again (as a new version).
        409 if another replica owns the user."""
        try:
            return await backend.rollback_summary(user_id, category, request.version)
        except LookupError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        except NotOwnedError as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None


def _add_evolution_routes(router: APIRouter, backend: ApiBackend) -> None:
    @router.post(
        "/evolve",
        dependencies=[Depends(authorize_admin)],
        responses={403: {"model": ErrorBody}},
        tags=["evolution"],
    )
    async def evolve_all(request: EvolveRequest | None = None) -> EvolveResponse:
        """Run self-evolution now for every user this replica owns (admin token only)."""
        runs = await backend.evolve(None, (request or EvolveRequest()).chosen())
        return EvolveResponse(runs=runs, changed=sum(r.outcome == "changed" for r in runs))
