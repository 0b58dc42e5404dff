"""Keep the Helm chart's values schema in step with the daemon's settings tree.

The chart's ``config:`` value becomes the daemon's YAML settings file, so its schema is
generated from :class:`memoryd.config.Settings`: a wrong type or an unknown key fails at
``helm install`` instead of at the pod's start. Two things are taken out of it:

- secrets (``SecretStr`` fields): a ConfigMap is no place for them; their secrets-dir
  file names (``llm__api_key``, ``nats__tls__key_password``, …) become the only keys
  ``secrets.values`` accepts;
- what the chart itself sets from its own values (``http``, ``data_dir``,
  ``shutdown_grace_seconds``): one place each, so probes, ports and the termination
  grace period cannot disagree with the daemon.

Usage: ``python scripts/chart_schema.py`` rewrites ``helm/memoryd/values.schema.json``;
``--check`` exits 1 when the file is stale (run by the tests).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

from memoryd.config import Settings

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "helm" / "memoryd" / "values.schema.json"
CHART_OWNED = ("http", "data_dir", "shutdown_grace_seconds")


def _is_secret(prop: dict[str, Any]) -> bool:
    variants = prop.get("anyOf", [prop])
    return any(v.get("format") == "password" for v in variants)


def _ref_name(prop: dict[str, Any]) -> str | None:
    for variant in [prop, *prop.get("anyOf", [])]:
        if "$ref" in variant:
            return str(variant["$ref"]).rsplit("/", 1)[-1]
    return None


def secret_keys(schema: dict[str, Any]) -> list[str]:
    """Secrets-dir file names of every secret setting (``section__field``)."""
    defs = schema["$defs"]
    found: list[str] = []

    def walk(props: dict[str, Any], prefix: str) -> None:
        for name, prop in props.items():
            ref = _ref_name(prop)
            if _is_secret(prop):
                found.append(prefix + name)
            elif ref and "properties" in defs[ref]:
                walk(defs[ref]["properties"], f"{prefix}{name}__")

    walk(schema["properties"], "")
    return sorted(found)


# Documentation, not validation: left to the README so that a changed default or wording
# in the settings does not make the schema stale. Names, types and bounds remain.
_DROPPED = {"title", "default", "description"}


def _tidy(node: Any) -> Any:
    """Drop documentation and secrets; close objects to unknown keys (typos fail)."""
    if isinstance(node, list):
        return [_tidy(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _tidy(v) for k, v in node.items() if k not in _DROPPED and k != "properties"}
    if isinstance(node.get("properties"), dict):
        # Keys here are setting names (one is "description"), never dropped as documentation.
        out["properties"] = {
            name: _tidy(prop) for name, prop in node["properties"].items() if not _is_secret(prop)
        }
        out["additionalProperties"] = False
    return out


def config_schema() -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(schema of ``config``, its ``$defs``, the secret keys) from the settings tree."""
    schema = Settings.model_json_schema()
    keys = secret_keys(schema)
    schema = copy.deepcopy(schema)
    for name in CHART_OWNED:
        schema["properties"].pop(name)
    defs = _tidy(schema.pop("$defs"))
    config = _tidy(schema)
    # Only the definitions still referenced (HttpSettings went with `http`).
    used: set[str] = set()
    pending = [config]
    while pending:
        text = json.dumps(pending.pop())
        for name in defs:
            if name not in used and f'"#/$defs/{name}"' in text:
                used.add(name)
                pending.append(defs[name])
    defs = {k: v for k, v in defs.items() if k in used}
    config["description"] = (
        "The daemon's settings file (memoryd.yaml), keys as in the daemon's settings; "
        "secrets go to `secrets`"
    )
    return config, defs, keys


def render(current: dict[str, Any]) -> dict[str, Any]:
    config, defs, keys = config_schema()
    updated = copy.deepcopy(current)
    updated["properties"]["config"] = config
    updated["$defs"] = defs
    values = updated["properties"]["secrets"]["properties"]["values"]
    values["propertyNames"] = {"enum": keys}
    return updated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    current = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    text = json.dumps(render(current), indent=2) + "\n"
    if args.check:
        if SCHEMA_FILE.read_text(encoding="utf-8") != text:
            print(
                f"{SCHEMA_FILE} is stale: the settings changed. "
                "Run `make chart-schema` and commit the result.",
                file=sys.stderr,
            )
            return 1
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
