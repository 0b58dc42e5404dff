"""The ``retrieve``, ``status`` and ``evolve`` commands: calls to a running daemon's API."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from urllib.parse import quote

import httpx


def _call(client: httpx.Client, method: str, path: str, body: Any = None) -> tuple[bool, Any]:
    """One API call: (2xx?, decoded body). Errors are reported on stderr."""
    response = client.request(method, path, json=body)
    try:
        payload: Any = response.json()
    except ValueError:
        payload = response.text
    if response.is_success:
        return True, payload
    print(f"HTTP {response.status_code} {method} {path}: {response.text}", file=sys.stderr)
    return False, payload


def _user_path(user_id: str, suffix: str) -> str:
    return f"/v1/users/{quote(user_id, safe='')}/{suffix}"


def call_api(args: argparse.Namespace) -> int:
    """Run one API command; 0 on success, 1 on an HTTP or connection error."""
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    calls: dict[str, tuple[str, str, Any]] = {}
    if args.command == "retrieve":
        body = {
            "user_id": args.user,
            "query": args.query,
            "top_k": args.top_k,
            "method": args.method,
        }
        calls["result"] = ("POST", "/v1/retrieve", body)
    elif args.command == "status":
        calls["ready"] = ("GET", "/readyz", None)
        if args.user:
            calls["stats"] = ("GET", _user_path(args.user, "stats"), None)
    elif args.rollback:
        path = _user_path(args.user, f"categories/{quote(args.rollback, safe='')}/rollback")
        calls["result"] = ("POST", path, {"version": args.version})
    else:  # evolve
        path = _user_path(args.user, "evolve") if args.user else "/v1/evolve"
        calls["result"] = ("POST", path, {"job": args.job} if args.job else {})
    results: dict[str, Any] = {}
    ok = True
    try:
        with httpx.Client(base_url=args.api, headers=headers, timeout=args.timeout) as client:
            for name, (method, path, body) in calls.items():
                call_ok, results[name] = _call(client, method, path, body)
                ok = ok and call_ok
    except httpx.HTTPError as exc:
        print(f"memoryd: cannot reach {args.api}: {exc}", file=sys.stderr)
        return 1
    output = results["result"] if set(results) == {"result"} else results
    print(json.dumps(output, indent=2, ensure_ascii=False))
    return 0 if ok else 1


# --- wiring ---------------------------------------------------------------------------
