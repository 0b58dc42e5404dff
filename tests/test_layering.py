"""The import layering of memoryd/, checked on the source with ``ast``.

Each folder imports only folders at or below it in the order
telemetry → memory → stores/embedders/llm → pipeline → transports →
schedulers/publishers → agents/ui → daemon; config, events, errors and testing may be
imported from anywhere (and import what they need). A lazy import inside a function
counts as much as one at the top: it is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import memoryd

PACKAGE = Path(memoryd.__file__).parent

#: memoryd's folders (and top-level modules) by layer; higher may import lower.
LAYERS: dict[str, int] = {
    "telemetry": 0,
    "memory": 1,
    "stores": 2,
    "embedders": 2,
    "llm": 2,
    "bootstrap": 2,  # builds the engine from settings: memory plus its adapters
    "pipeline": 3,
    "transports": 4,
    "client": 4,  # the agent client's public path: a facade over transports/*/client.py
    "subjects": 4,  # re-exports transports.nats.topology (documented in the README)
    "schedulers": 5,
    "publishers": 5,
    "agents": 6,
    "ui": 6,
    "daemon": 7,
}
ANYWHERE = frozenset({"config", "events", "errors", "testing", "__init__"})


def _top(module: str) -> str | None:
    """``memoryd.memory.engine`` → ``memory``; None for anything not memoryd."""
    parts = module.split(".")
    if parts[0] != "memoryd":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(source: str, module: str) -> Iterator[tuple[int, str]]:
    """Every memoryd module ``source`` imports, absolute or relative, with its line."""
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # `from memoryd import daemon`
                if target == "memoryd":
                    yield node.lineno, f"memoryd.{alias.name}"


def violations(source: str, module: str) -> list[str]:
    """``module``'s imports of a higher layer than its own, as readable lines."""
    own = _top(module)
    if own is None or own in ANYWHERE:
        return []
    found = []
    for line, target in imports_of(source, module):
        other = _top(target)
        if other is None or other in ANYWHERE or other == own:
            continue
        if LAYERS[other] > LAYERS[own]:
            found.append(f"{module}:{line} imports {target} ({own} is below {other})")
    return found


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        # memoryd/pipeline/__init__.py → memoryd.pipeline.__init__ (its package: pipeline)
        yield ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts), path


def test_every_folder_is_in_a_layer() -> None:
    tops = {_top(module) for module, _ in _modules()}
    unknown = {t for t in tops if t not in LAYERS and t not in ANYWHERE}
    assert not unknown, f"give these a layer in LAYERS (and the README's Layout): {unknown}"


def test_no_module_imports_a_higher_layer() -> None:
    found = [v for module, path in _modules() for v in violations(path.read_text(), module)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("memoryd.pipeline.ingest", "from memoryd.daemon.app import Daemon\n"),
        ("memoryd.memory.engine", "def f():\n    import memoryd.stores.edge\n"),
        ("memoryd.telemetry.metrics", "from memoryd.llm.settings import LlmSettings\n"),
        ("memoryd.transports.nats.sink", "from ...publishers import snapshot\n"),
        ("memoryd.schedulers.runs", "from memoryd import daemon\n"),
    ],
)
def test_the_check_catches_an_upward_import(module: str, source: str) -> None:
    # Given a lower layer importing a higher one (top level, lazy, relative, by name)
    # Then the check reports it
    assert violations(source, module)


def test_the_check_allows_downward_and_shared_imports() -> None:
    source = (
        "from memoryd.memory.engine import MemoryEngine\n"
        "from memoryd.errors import TransientError\n"
        "from memoryd.config import Settings\n"
        "from memoryd.telemetry.metrics import Metrics\n"
    )
    assert violations(source, "memoryd.publishers.coalescer") == []
