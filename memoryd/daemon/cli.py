"""The ``memoryd`` command: run the daemon, publish events, watch snapshots, query the API.

Exit codes: 0 success; 1 a failure the command reports on stderr (invalid events, broker or
HTTP errors); 2 bad usage; 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import nats.errors
import nats.js.errors
from aiokafka.errors import KafkaError
from pydantic import ValidationError
from tqdm import tqdm  # type: ignore[import-untyped]

from memoryd.agents.stdio import serve_stdio
from memoryd.client import (
    DEFAULT_BUCKET,
    DEFAULT_EVENTS_PREFIX,
    DEFAULT_NATS_URL,
    ConnectOptions,
    EventPublisher,
    KafkaOptions,
    subscribe_context,
)
from memoryd.config import Settings, load_settings
from memoryd.daemon.cli_api import call_api
from memoryd.daemon.embedded import EmbeddedNats
from memoryd.errors import ConfigurationError, InvalidEventError, MemorydError
from memoryd.schedulers.jobs import JOBS
from memoryd.telemetry.logs import configure_logging, use_json_lines
from memoryd.telemetry.tracing import configure_tracing

logger = logging.getLogger("memoryd.cli")


def _settings(args: argparse.Namespace, **overrides: Any) -> Settings:
    settings = load_settings(args.config, **overrides)
    if args.log_level is None:
        logging.getLogger().setLevel(settings.log_level.upper())
    if settings.log_format == "json":
        use_json_lines()
    return settings


@contextlib.contextmanager
def _tracing(settings: Settings) -> Iterator[None]:
    """Export spans over OTLP while the daemon runs (when ``otlp_endpoint`` is set), and
    flush the last ones after it stopped."""
    shutdown = configure_tracing(settings)
    try:
        yield
    finally:
        shutdown()


# --- daemon ---------------------------------------------------------------------------


async def _up(args: argparse.Namespace) -> int:
    from memoryd.daemon.app import run_daemon  # the engine's imports: only when running it

    overrides: dict[str, Any] = {}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    if args.http_port is not None:
        overrides["http"] = {"port": args.http_port}
    settings = _settings(args, **overrides)
    if settings.transport != "nats":
        raise ConfigurationError(
            "memoryd up embeds NATS; to run on Kafka use `memoryd run` with "
            "MEMORYD_TRANSPORT=kafka and MEMORYD_KAFKA__BOOTSTRAP_SERVERS"
        )
    async with EmbeddedNats(settings.data_dir, port=args.nats_port) as server:
        nats_settings = settings.nats.model_copy(update={"url": server.url})
        settings = settings.model_copy(update={"nats": nats_settings})
        print(
            f"memoryd: HTTP API on http://{settings.http.host}:{settings.http.port}, "
            f"NATS on {server.url}, data in {settings.data_dir}",
            file=sys.stderr,
        )
        with _tracing(settings):
            await run_daemon(settings)
    return 0


async def _run(args: argparse.Namespace) -> int:
    from memoryd.daemon.app import run_daemon

    settings = _settings(args)
    with _tracing(settings):
        await run_daemon(settings)
    return 0


# --- events and snapshots over NATS ---------------------------------------------------


def _lines(source: str) -> Iterator[str]:
    if source == "-":
        yield from sys.stdin
        return
    with open(source, encoding="utf-8") as handle:
        yield from handle


def _count_lines(source: str) -> int | None:
    if source == "-":
        return None
    with open(source, "rb") as handle:
        return sum(1 for _ in handle)


async def _publish(args: argparse.Namespace) -> int:
    async with EventPublisher(
        nats_url=args.nats_url, subject_prefix=args.subject_prefix, kafka=args.kafka, **args.connect
    ) as publisher:
        if args.file is None:
            event = {
                "id": args.id or str(uuid.uuid4()),
                "user_id": args.user,
                "content": args.text,
                "speaker": args.speaker,
            }
            await publisher.publish(event)
            print(event["id"])
            return 0
        return await _publish_lines(publisher, args.file)


async def _publish_lines(publisher: EventPublisher, source: str) -> int:
    published = duplicates = invalid = 0
    bar = tqdm(total=_count_lines(source), unit="event", disable=not sys.stderr.isatty())
    with bar:
        for number, line in enumerate(_lines(source), start=1):
            bar.update()
            if not line.strip():
                continue
            try:
                ack = await publisher.publish(line)
            except InvalidEventError as exc:
                invalid += 1
                tqdm.write(f"line {number}: {exc}", file=sys.stderr)
                continue
            except (nats.errors.Error, KafkaError, OSError):
                # Publishing is idempotent (NATS: Nats-Msg-Id; Kafka: memoryd skips event ids
                # it has stored), so the whole file can be re-sent.
                tqdm.write(f"line {number}: not published; stopping", file=sys.stderr)
                raise
            published += 1
            duplicates += bool(ack.duplicate)
    print(f"published={published} duplicates={duplicates} invalid={invalid}", file=sys.stderr)
    return 1 if invalid else 0


async def _subscribe(args: argparse.Namespace) -> int:
    snapshots = subscribe_context(
        args.user, nats_url=args.nats_url, bucket=args.bucket, kafka=args.kafka, **args.connect
    )
    async with contextlib.aclosing(snapshots):
        async for snapshot in snapshots:
            sys.stdout.write(snapshot.model_dump_json() + "\n")
            sys.stdout.flush()
            if args.once:
                break
    return 0


def _kafka_options(args: argparse.Namespace) -> KafkaOptions | None:
    """Kafka client options when the transport is Kafka (from --transport or the settings:
    MEMORYD_TRANSPORT, MEMORYD_KAFKA__*, --config, the secrets directory)."""
    settings = _settings(args)
    if (args.transport or settings.transport) != "kafka":
        return None
    kafka = settings.kafka
    if args.kafka_bootstrap_servers:
        kafka = kafka.model_copy(update={"bootstrap_servers": args.kafka_bootstrap_servers})
    return KafkaOptions.from_settings(kafka)


def _connect_options(args: argparse.Namespace, env: Mapping[str, str]) -> ConnectOptions:
    async def log_error(exc: Exception) -> None:
        logger.warning("nats: %s", exc or type(exc).__name__)

    # Fail within seconds when the server is down, instead of nats-py's two minutes.
    options: ConnectOptions = {"max_reconnect_attempts": 5, "error_cb": log_error}
    user = args.nats_user or env.get("NATS_USER")
    password = args.nats_password or env.get("NATS_PASSWORD")
    token = args.nats_token or env.get("NATS_TOKEN")
    creds = args.nats_creds or env.get("NATS_CREDS")
    if user:
        options["user"] = user
    if password:
        options["password"] = password
    if token:
        options["token"] = token
    if creds:
        options["user_credentials"] = creds
    return options


async def _mcp(args: argparse.Namespace) -> int:
    await serve_stdio(args.api, token=args.token, timeout=args.timeout)
    return 0


# --- the HTTP API ---------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="memoryd",
        description="An always-on memory daemon for LLM agents, and its command-line client.",
        epilog="Exit codes: 0 ok; 1 failed (reported on stderr); 2 bad usage; 130 interrupted.",
    )
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO (default), WARNING…")
    commands = parser.add_subparsers(dest="command", required=True)

    config = argparse.ArgumentParser(add_help=False)
    config.add_argument("--config", type=Path, help="YAML settings file (as MEMORYD_CONFIG)")
    up = commands.add_parser("up", parents=[config], help="run with an embedded NATS server")
    up.add_argument("--data-dir", type=Path, help="state directory (default: settings)")
    up.add_argument("--http-port", type=int, help="HTTP API port (default: settings)")
    up.add_argument("--nats-port", type=int, default=4222, help="embedded NATS port; 0 = any")
    commands.add_parser("run", parents=[config], help="run against the configured NATS")

    nats_opts = argparse.ArgumentParser(add_help=False, parents=[config])
    nats_opts.add_argument(
        "--transport", choices=["nats", "kafka"], help="default: settings (MEMORYD_TRANSPORT)"
    )
    nats_opts.add_argument("--nats-url", help=f"default: $NATS_URL or {DEFAULT_NATS_URL}")
    for flag in ("user", "password", "token", "creds"):
        nats_opts.add_argument(f"--nats-{flag}", help=f"default: $NATS_{flag.upper()}")
    nats_opts.add_argument(
        "--kafka-bootstrap-servers",
        help="host:port,... (default: settings; topics and security come from the settings)",
    )
    publish = commands.add_parser("publish", parents=[nats_opts], help="publish events")
    publish.add_argument("file", nargs="?", help="JSONL file of events, or - for stdin")
    publish.add_argument("--subject-prefix", default=DEFAULT_EVENTS_PREFIX)
    publish.add_argument("--user", help="one event from flags: its user id")
    publish.add_argument("--text", help="its content")
    publish.add_argument("--speaker")
    publish.add_argument("--id", help="its event id (default: a new uuid4)")
    subscribe = commands.add_parser("subscribe", parents=[nats_opts], help="print snapshots")
    subscribe.add_argument("--user", required=True)
    subscribe.add_argument("--once", action="store_true", help="exit after the first snapshot")
    subscribe.add_argument("--bucket", default=DEFAULT_BUCKET)

    api = argparse.ArgumentParser(add_help=False)
    api.add_argument("--api", default="http://127.0.0.1:8787", help="the daemon's HTTP API")
    api.add_argument("--token", help="bearer token (default: $MEMORYD_API_TOKEN)")
    api.add_argument("--timeout", type=float, default=30.0, help="seconds")
    retrieve = commands.add_parser("retrieve", parents=[api], help="query a user's memory")
    retrieve.add_argument("--user", required=True)
    retrieve.add_argument("--query", required=True)
    retrieve.add_argument("--top-k", type=int, default=10)
    retrieve.add_argument("--method", choices=["rag", "llm"], default="rag")
    status = commands.add_parser("status", parents=[api], help="readiness (+ a user's stats)")
    status.add_argument("--user")
    evolve = commands.add_parser("evolve", parents=[api], help="run self-evolution now")
    evolve.add_argument("--user", help="one user (default: every user the daemon owns)")
    evolve.add_argument("--job", choices=JOBS, help="one job (default: all enabled jobs)")
    evolve.add_argument(
        "--rollback", metavar="CATEGORY", help="restore a kept summary of CATEGORY (needs --user)"
    )
    evolve.add_argument("--version", type=int, help="the summary version --rollback restores")
    commands.add_parser(
        "mcp", parents=[api], help="serve MCP over stdio (for desktop hosts) against --api"
    )
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    if args.command in ("retrieve", "status", "evolve"):
        return call_api(args)
    if args.command == "mcp":
        return asyncio.run(_mcp(args))
    if args.command in ("publish", "subscribe"):
        args.kafka = _kafka_options(args)
    handlers = {"up": _up, "run": _run, "publish": _publish, "subscribe": _subscribe}
    return asyncio.run(handlers[args.command](args))


def main(argv: Sequence[str] | None = None) -> int:
    """The ``memoryd`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    env = os.environ
    if args.command == "publish" and (args.file is None) == (args.text is None):
        parser.error("publish: give a FILE (or -), or --user and --text, not both")
    if args.command == "publish" and args.text is not None and not args.user:
        parser.error("publish: --text needs --user")
    if args.command in ("publish", "subscribe"):
        args.nats_url = args.nats_url or env.get("NATS_URL") or DEFAULT_NATS_URL
        args.connect = _connect_options(args, env)
    if args.command == "evolve" and args.rollback and not (args.user and args.version):
        parser.error("evolve --rollback needs --user and --version")
    if args.command in ("retrieve", "status", "evolve", "mcp"):
        args.token = args.token or env.get("MEMORYD_API_TOKEN")
    configure_logging(args.log_level or "INFO")
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return 130
    except nats.js.errors.NoStreamResponseError:
        print(
            f"memoryd {args.command}: no JetStream stream stores {args.subject_prefix}.* "
            "(the daemon creates it on start)",
            file=sys.stderr,
        )
        return 1
    except (MemorydError, OSError, nats.errors.Error, KafkaError, ValidationError) as exc:
        print(f"memoryd {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
