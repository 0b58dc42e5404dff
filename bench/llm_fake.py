"""The fake model behind ``llm_cost.py``: a recording OpenAI-compatible server, the
deterministic answers it gives memoryd's and mem0's extraction prompts, memoryd's window
refinement prompt (items and the summaries folded into it) and memoryd's summary prompt,
the per-system tally of what was asked, and a guard that refuses any connection off this
machine.

Both responders extract the same fact from the same turn (one per turn that has a
sentence of at least five words), so the systems differ only in how they ask.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from memoryd.memory.category_defaults import DEFAULT_CATEGORIES
from memoryd.testing.openai_server import (
    CHAT_PATH,
    EMBEDDINGS_PATH,
    OpenAIEmbeddingsServer,
    ScriptedReply,
)

#: A chat answer for the prompts it recognises, None for the others.
Responder = Callable[[dict[str, Any]], str | None]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# mem0's user prompt (mem0.configs.prompts.generate_additive_extraction_prompt).
_MEM0_NEW_MESSAGES = re.compile(r"## New Messages\n(.*?)\n\n## Observation Date", re.DOTALL)
_MEM0_ROLE = re.compile(r"^(?:user|assistant): ", re.MULTILINE)
_WORD = re.compile(r"[a-z]{4,}")


def fact(speaker: str, content: str) -> str | None:
    """The memory a diligent model keeps from one turn, or None for small talk."""
    if not any(len(s.split()) >= 5 for s in _SENTENCE_END.split(content.strip())):
        return None
    return f"{speaker} says: {content.strip()}"


def memoryd_extract(body: dict[str, Any]) -> str | None:
    """``{"items": [...]}`` for memoryd's extraction prompt (memoryd.llm.prompts)."""
    user = _last_user_content(body)
    lines = {line.split(": ", 1)[0]: line.split(": ", 1)[-1] for line in user.splitlines()}
    if "Turns" not in lines or "Categories" not in lines:
        return None
    categories = json.loads(lines["Categories"])
    items = []
    for turn in json.loads(lines["Turns"]):
        text = fact(str(turn["speaker"]), str(turn["content"]))
        if text is not None:
            category = _category(str(turn["content"]), categories)
            items.append(
                {
                    "text": text,
                    "memory_type": "knowledge",
                    "category": category,
                    "sources": [turn["id"]],
                }
            )
    return json.dumps({"items": items})


def _category(content: str, names: list[str]) -> str | None:
    """The category whose description shares most words with the turn (as a model would
    file it by topic, so a batch touches a few categories, not all)."""
    words = set(_WORD.findall(content.lower()))
    known = [c for c in DEFAULT_CATEGORIES if c.name in names]
    if not known:
        return names[0] if names else None
    overlap = [len(words & set(_WORD.findall(c.description.lower()))) for c in known]
    return known[overlap.index(max(overlap))].name


def memoryd_summarize(body: dict[str, Any]) -> str | None:
    """``{"categories": [...]}`` for memoryd's summary prompt: the newest memories first,
    as bullet lines, up to the target length."""
    try:
        requests = json.loads(_last_user_content(body))
    except ValueError:
        return None
    if not isinstance(requests, list) or not all("new_or_changed" in r for r in requests):
        return None
    categories = []
    for r in requests:
        lines: list[str] = []
        ids: list[str] = []
        for memory in [*r["new_or_changed"], *r["memories_in_summary"]]:
            if lines and sum(len(x) + 1 for x in lines) + len(memory["text"]) > r["target_chars"]:
                break
            lines.append(f"- {memory['text']}")
            ids.append(memory["id"])
        categories.append({"name": r["name"], "summary": "\n".join(lines), "item_ids": ids})
    return json.dumps({"categories": categories})


def mem0_extract(body: dict[str, Any]) -> str | None:
    """``{"memory": [...]}`` for mem0 2.x's single additive-extraction prompt."""
    found = _MEM0_NEW_MESSAGES.search(_last_user_content(body))
    if found is None:
        return None
    memories = []
    for message in _MEM0_ROLE.split(found.group(1)):
        speaker, _, content = message.strip().partition(": ")
        text = fact(speaker, content) if content else None
        if text is not None:
            memories.append({"id": str(len(memories)), "text": text, "attributed_to": "user"})
    return json.dumps({"memory": memories})


def _last_user_content(body: dict[str, Any]) -> str:
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    return str(users[-1].get("content", "")) if users else ""


@dataclass(frozen=True)
class Exchange:
    path: str
    request: Any
    reply: ScriptedReply


class RecordingServer(OpenAIEmbeddingsServer):
    """The test server, keeping each reply beside its request and counting which responder
    answered each chat request; one that none recognises is answered ``{}``."""

    def __init__(self, responders: Sequence[Responder], dim: int):
        super().__init__(dim=dim)
        self.exchanges: list[Exchange] = []
        self.answered_by: Counter[str] = Counter()
        self._record = threading.Lock()
        self._responders = responders
        self.chat = self._answer

    def reply_to(self, path: str, headers: dict[str, str], body: Any) -> ScriptedReply:
        reply = super().reply_to(path, headers, body)
        with self._record:
            self.exchanges.append(Exchange(path, body, reply))
        return reply

    def _answer(self, body: dict[str, Any]) -> str:
        for responder in self._responders:
            answer = responder(body)
            if answer is not None:
                with self._record:
                    self.answered_by[responder.__name__] += 1
                return answer
        with self._record:
            self.answered_by["unrecognised"] += 1
        return "{}"


@dataclass
class Tally:
    """What one system asked of the model and the embedder. Tokens are the server's word
    counts (prompt: the words of every message; completion: the words of the answer)."""

    chat_requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    embedding_requests: int = 0
    embedded_texts: int = 0
    failed: int = 0
    by_prompt: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, server: RecordingServer) -> Tally:
        tally = cls(by_prompt=Counter(server.answered_by))
        for x in server.exchanges:
            if x.reply.status != 200 or not isinstance(x.reply.body, dict):
                tally.failed += 1
            elif x.path == CHAT_PATH:
                tally.chat_requests += 1
                tally._add_chat(x.request, x.reply.body)
            elif x.path == EMBEDDINGS_PATH:
                tally.embedding_requests += 1
                texts = x.request["input"]
                tally.embedded_texts += 1 if isinstance(texts, str) else len(texts)
        return tally

    def _add_chat(self, request: dict[str, Any], reply: dict[str, Any]) -> None:
        # Recounted from the bodies, and checked against the usage the server returned.
        prompt = sum(len(str(m.get("content", "")).split()) for m in request["messages"])
        completion = len(str(reply["choices"][0]["message"]["content"]).split())
        usage = reply["usage"]
        if (prompt, completion) != (usage["prompt_tokens"], usage["completion_tokens"]):
            raise RuntimeError(f"usage {usage} does not match the bodies ({prompt}, {completion})")
        self.prompt_tokens += prompt
        self.completion_tokens += completion


@dataclass
class OutboundGuard:
    """Refuses, and remembers, every connection that would leave this machine."""

    blocked: list[str] = field(default_factory=list)

    def check_host(self, host: Any) -> None:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in ("localhost", "127.0.0.1", "::1", "") or name.startswith("127."):
            return
        self.blocked.append(name)
        raise OSError(f"llm_cost: outbound connection to {name} refused (offline benchmark)")


@contextmanager
def offline(guard: OutboundGuard) -> Iterator[OutboundGuard]:
    """Within the block, name lookups and connects to anything but loopback fail."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        guard.check_host(host)
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            guard.check_host(address[0])
        real_connect(sock, address)

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect  # type: ignore[method-assign]
    try:
        yield guard
    finally:
        socket.getaddrinfo = real_getaddrinfo
        socket.socket.connect = real_connect  # type: ignore[method-assign]


def memoryd_refine(body: dict[str, Any]) -> str | None:
    """``{"items": [...], "summaries": [...]}`` for memoryd's window refinement prompt: the
    same fact per turn as the extraction answer, each replacing the offline drafts of its
    turn; with ``Summaries`` asked for, a summary of every category that holds one of its
    items or held a draft, written as :func:`memoryd_summarize` writes one (the new items
    first, then the memories the previous summary kept)."""
    user = _last_user_content(body)
    lines = {line.split(": ", 1)[0]: line.split(": ", 1)[-1] for line in user.splitlines()}
    if "Drafts" not in lines or "Turns" not in lines:
        return None
    categories = json.loads(lines["Categories"])
    drafts: dict[str, list[str]] = {}
    drafted = []  # the drafts' categories
    for draft in json.loads(lines["Drafts"]):
        drafts.setdefault(draft["sources"][0], []).append(draft["id"])
        drafted.append(draft["category"])
    items = []
    for turn in json.loads(lines["Turns"]):
        text = fact(str(turn["speaker"]), str(turn["content"]))
        if text is not None:
            items.append(
                {
                    "text": text,
                    "memory_type": "knowledge",
                    "category": _category(str(turn["content"]), categories),
                    "sources": [turn["id"]],
                    "replaces": drafts.get(turn["id"], []),
                }
            )
    answer: dict[str, Any] = {"items": items}
    if "Summaries" in lines:
        answer["summaries"] = _folded_summaries(json.loads(lines["Summaries"]), items, drafted)
    return json.dumps(answer)


def _folded_summaries(
    asked: dict[str, Any], items: list[dict[str, Any]], drafted: list[str]
) -> list[dict[str, Any]]:
    target = int(asked["target_chars"])
    listed = {c["name"]: c for c in asked["categories"]}
    names = list(dict.fromkeys([*drafted, *(i["category"] for i in items if i["category"])]))
    summaries = []
    for name in names:
        new = [n for n, i in enumerate(items) if i["category"] == name]
        kept = listed.get(name, {}).get("memories_in_summary", [])
        texts = [items[n]["text"] for n in new] + [m["text"] for m in kept]
        fits = 0
        while fits < len(texts) and (
            fits == 0 or sum(len(t) + 3 for t in texts[: fits + 1]) <= target
        ):
            fits += 1
        summaries.append(
            {
                "name": name,
                "summary": "\n".join(f"- {t}" for t in texts[:fits]),
                "new_items": new[:fits],
                "item_ids": [m["id"] for m in kept[: max(fits - len(new), 0)]],
            }
        )
    return summaries
