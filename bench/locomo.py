"""Shared loader for the LoCoMo development split: turns as memoryd events, QA with evidence."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "locomo-dev"
_SESSION = re.compile(r"^session_(\d+)$")


@dataclass(frozen=True)
class Question:
    user_id: str
    question: str
    evidence: frozenset[str]
    category: int


def _session_time(raw: str) -> datetime:
    # e.g. "1:56 pm on 8 May, 2023"
    return datetime.strptime(raw.strip(), "%I:%M %p on %d %B, %Y").replace(tzinfo=UTC)


def turn_text(turn: dict[str, Any]) -> str:
    text = str(turn["text"])
    if turn.get("blip_caption"):
        text += f" [shares a photo of {turn['blip_caption']}]"
    return text


def load(data_dir: Path = DATA_DIR) -> tuple[list[dict[str, Any]], list[Question]]:
    """All turns as events (id = dia_id, time = session date, user = conversation) and the
    questions of categories 1–4 with their evidence turn ids."""
    events: list[dict[str, Any]] = []
    questions: list[Question] = []
    for path in sorted(data_dir.glob("*.json")):
        conv = json.loads(path.read_text())
        user = f"locomo-{path.stem}"
        sessions = sorted((int(m.group(1)), key) for key in conv if (m := _SESSION.match(key)))
        for number, key in sessions:
            when = _session_time(conv[f"session_{number}_date_time"])
            for turn in conv[key]:
                events.append(
                    {
                        "id": turn["dia_id"],
                        "user_id": user,
                        "speaker": turn["speaker"],
                        "content": turn_text(turn),
                        "time": when.isoformat(),
                        "session_id": key,
                    }
                )
        for qa in conv["qa"]:
            if qa["category"] not in (1, 2, 3, 4):
                continue
            evidence = {e for raw in qa["evidence"] for e in re.split(r"[;,\s]+", raw) if e}
            if not evidence:  # a few questions carry no evidence turns: nothing to recall
                continue
            questions.append(Question(user, qa["question"], frozenset(evidence), qa["category"]))
    return events, questions
