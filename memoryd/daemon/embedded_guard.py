"""Crash safety of the embedded nats-server: it dies with its parent, one owner per data
directory, and a server orphaned by an earlier crash is found and stopped at start.

Without this, ``kill -9`` of ``memoryd up`` left its nats-server running; the restart then
loaded the same JetStream directory next to the orphan and died with "address already in
use".
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from memoryd.errors import MemorydError

logger = logging.getLogger(__name__)

PID_FILE = "nats-server.pid"
LOCK_FILE = "embedded.lock"
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_PROC = Path("/proc")


class DataDirInUseError(MemorydError):
    """Another live process runs the embedded nats-server of this data directory."""


def parent_death_signal(sig: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive ``sig`` when its parent dies (Linux).

    The kernel sends it when the *thread* that forked exits, not the process: start the
    server from a thread that lives as long as it (``memoryd up`` uses the main thread).
    SIGTERM lets nats-server close its JetStream files cleanly. ``None`` elsewhere.
    """
    if not sys.platform.startswith("linux"):
        return None
    # Resolved here, in the parent: the child between fork and exec only makes the call.
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.argtypes = [ctypes.c_int, *[ctypes.c_ulong] * 4]
    prctl.restype = ctypes.c_int
    parent = os.getpid()

    def set_in_child() -> None:
        if prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return set_in_child


class DataDirLock:
    """An exclusive ``flock`` on ``<store_dir>/embedded.lock``, held while the server runs.

    The kernel drops it when the holder dies, even by ``kill -9``: a held lock means a live
    owner (whose server must not be touched), a free one means any server left on the
    directory is an orphan.
    """

    def __init__(self, store_dir: Path) -> None:
        self.path = store_dir / LOCK_FILE
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise DataDirInUseError(
                f"the data directory {self.path.parent.parent} is in use by another memoryd "
                f"(pid {holder}); stop it first or choose another --data-dir"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            handle.close()  # closing the descriptor releases the lock


def stop_stale_server(store_dir: Path, timeout: float) -> list[int]:
    """Stop any nats-server left running on ``store_dir``; the pids it stopped.

    Candidates come from the pid file and the ports files (``nats-server_<pid>.ports``,
    which a server killed with its parent never removed). A pid counts only if
    ``/proc/<pid>/cmdline`` is a nats-server on this very store directory: a recycled pid
    is never signalled. Call with the :class:`DataDirLock` held.
    """
    stopped: list[int] = []
    for pid in sorted(_candidate_pids(store_dir)):
        if not _alive(pid):
            continue
        if not _PROC.is_dir():
            raise DataDirInUseError(
                f"a nats-server (pid {pid}) may still run on {store_dir}; stop it and retry"
            )
        if not _serves(pid, store_dir):
            continue
        logger.warning("stopping a nats-server left on %s by a crash pid=%s", store_dir, pid)
        _terminate(pid, timeout)
        stopped.append(pid)
    for ports_file in store_dir.glob("*.ports"):
        ports_file.unlink(missing_ok=True)
    return stopped


def _candidate_pids(store_dir: Path) -> set[int]:
    pids: set[int] = set()
    try:
        pids.add(int((store_dir / PID_FILE).read_text().strip()))
    except (OSError, ValueError):
        pass
    for ports_file in store_dir.glob("*_*.ports"):
        suffix = ports_file.stem.rsplit("_", 1)[1]
        if suffix.isdigit():
            pids.add(int(suffix))
    pids.discard(os.getpid())
    return pids


def _alive(pid: int) -> bool:
    """Running (a zombie, already dead but not reaped, does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, and _serves() will say it isn't ours
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return not _PROC.is_dir()
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _serves(pid: int, store_dir: Path) -> bool:
    """Whether process ``pid`` is a nats-server with ``-sd`` on ``store_dir``."""
    try:
        args = (_PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
        cwd = Path(os.readlink(_PROC / str(pid) / "cwd"))
    except OSError:
        return False
    words = [a.decode(errors="replace") for a in args if a]
    if not words or not Path(words[0]).name.startswith("nats-server"):
        return False
    for flag, value in zip(words, words[1:], strict=False):
        if flag in ("-sd", "--store_dir") and _same_dir(cwd / value, store_dir):
            return True
    return False


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _terminate(pid: int, timeout: float) -> None:
    """SIGTERM (nats-server flushes JetStream), SIGKILL after ``timeout``; wait for exit."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        if sig == signal.SIGKILL:
            logger.warning("nats-server pid=%s ignored SIGTERM; killing it", pid)
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.05)
    raise DataDirInUseError(f"the stale nats-server pid {pid} did not exit")
