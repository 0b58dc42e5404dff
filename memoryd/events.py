"""The wire schema of a chat/log event, and its parser (plain JSON or CloudEvents 1.0)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from memoryd.errors import InvalidEventError

MAX_ID_LENGTH = 256
#: Ids are printable: control characters have no business in them, and excluding them
#: keeps the separator used in deterministic point ids unambiguous.
ID_PATTERN = r"^[^\x00-\x1f\x7f]+$"
#: The only CloudEvents version whose structured-mode envelope is accepted.
CLOUDEVENTS_SPECVERSION = "1.0"
#: Arrays and objects nested deeper than this make an event (or an HTTP body) invalid:
#: serialising, validating or storing them would exhaust a recursion limit further on.
MAX_JSON_DEPTH = 64


class Event(BaseModel):
    """One chat turn or log line, as apps publish it. ``id``, ``user_id``, ``content`` required."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=ID_PATTERN)
    user_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=ID_PATTERN)
    content: str = Field(min_length=1)
    agent_id: str | None = Field(default=None, max_length=MAX_ID_LENGTH, pattern=ID_PATTERN)
    session_id: str | None = Field(default=None, max_length=MAX_ID_LENGTH)
    role: str = "user"
    speaker: str | None = None
    time: datetime | None = None
    kind: str = "message"
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("time")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        # Naive timestamps are read as UTC so that ordering and date resolution never
        # depend on the daemon's local timezone.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def at(self) -> datetime:
        """The event time; ``parse_event`` fills it with the receive time when absent."""
        if self.time is None:
            raise InvalidEventError("no event time", field="time", event_id=self.id)
        return self.time


def json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (a scalar is 0; stops counting past
    :data:`MAX_JSON_DEPTH`). Iterative, so a hostile value cannot exhaust the stack."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if depth <= MAX_JSON_DEPTH:  # deeper is refused anyway: stop walking
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _unwrap_cloudevent(obj: dict[str, Any]) -> dict[str, Any]:
    version = obj.get("specversion")
    if version != CLOUDEVENTS_SPECVERSION:
        raise InvalidEventError(
            f"CloudEvents specversion {version!r} is not supported; "
            f"expected {CLOUDEVENTS_SPECVERSION!r}",
            field="specversion",
            event_id=obj.get("id") if isinstance(obj.get("id"), str) else None,
        )
    data = obj.get("data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise InvalidEventError(f"not JSON: {exc.msg}", field="data") from exc
        except RecursionError:
            raise InvalidEventError("JSON nested too deeply", field="data") from None
    if not isinstance(data, dict):
        raise InvalidEventError("must be a JSON object", field="data", event_id=obj.get("id"))
    merged = dict(data)
    for key in ("id", "time"):
        if key not in merged and key in obj:
            merged[key] = obj[key]
    return merged


def parse_event(
    raw: bytes | str | Mapping[str, Any], *, received_at: datetime | None = None
) -> Event:
    """Validate one event; raise :class:`InvalidEventError` naming the first bad field.

    Accepts the plain schema or a CloudEvents 1.0 structured-mode envelope (any object
    with ``specversion``) whose ``data`` holds it; another ``specversion`` is invalid.
    A missing ``time`` becomes ``received_at`` (default: now).
    """
    if isinstance(raw, bytes | str):
        try:
            obj = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidEventError(f"body is not valid UTF-8 JSON: {exc}") from exc
        except RecursionError:
            raise InvalidEventError("body is JSON nested too deeply") from None
    else:
        obj = dict(raw)
    if not isinstance(obj, dict):
        raise InvalidEventError("body must be a JSON object")
    if "specversion" in obj:  # a CloudEvents envelope, whatever else it holds
        obj = _unwrap_cloudevent(obj)
    event_id = obj.get("id") if isinstance(obj.get("id"), str) else None
    if json_depth(obj) > MAX_JSON_DEPTH:
        raise InvalidEventError(f"JSON nested deeper than {MAX_JSON_DEPTH}", event_id=event_id)
    try:
        event = Event.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise InvalidEventError(first["msg"], field=field, event_id=event_id) from None
    if event.time is None:
        event = event.model_copy(update={"time": received_at or datetime.now(UTC)})
    return event


class SnapshotTrigger(BaseModel):
    """Why a snapshot was built: new events (with their ids), an evolution run, a request."""

    kind: str = "event"
    event_ids: list[str] = Field(default_factory=list)


class SnapshotCategory(BaseModel):
    name: str
    summary: str
    summary_version: int
    item_count: int


class SnapshotItem(BaseModel):
    id: str
    text: str
    category: str
    memory_type: str
    score: float
    sources: list[str]
    happened_at: str | None = None


class SnapshotChange(BaseModel):
    """A fact the triggering batch superseded: ``subject``'s ``attribute`` went from
    ``from`` to ``to`` (null when the news only ends it, e.g. "quit her job") at ``at``;
    ``item_id`` is the item stating the new fact."""

    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    subject: str
    attribute: str
    from_: str = Field(alias="from")
    to: str | None = None
    at: datetime
    item_id: str


class ContextSnapshot(BaseModel):
    """What subscribed agents receive: the user's memory, ready to put in a prompt.

    ``version`` increases by one per published snapshot of a user; ``token_estimate``
    stays within the configured budget.
    """

    user_id: str
    agent_id: str | None = None
    version: int
    generated_at: datetime
    trigger: SnapshotTrigger = Field(default_factory=SnapshotTrigger)
    categories: list[SnapshotCategory] = Field(default_factory=list)
    items: list[SnapshotItem] = Field(default_factory=list)
    #: Optional: facts the triggering batch superseded, so an agent can react to news.
    changes: list[SnapshotChange] = Field(default_factory=list)
    token_estimate: int = 0
    traceparent: str | None = None


def deleted_snapshot(user_id: str, latest: ContextSnapshot | None) -> ContextSnapshot:
    """The empty snapshot published after a user's memory was deleted: it tells subscribers
    so, and keeps the version going up from the last one."""
    return ContextSnapshot(
        user_id=user_id,
        version=latest.version + 1 if latest else 1,
        generated_at=datetime.now(UTC),
        trigger=SnapshotTrigger(kind="deleted"),
    )
