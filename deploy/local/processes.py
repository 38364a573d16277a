"""Spawn, recognise, wait for and stop long-running service processes.

Every service runs in its own session (process group) so a Ctrl-C meant for the command under
test never reaches the databases directly: the stack decides the shutdown order and signal.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import IO, Any, cast

import psutil  # type: ignore[import-untyped]  # no stubs; wrapped in typed helpers below


class StackError(Exception):
    """A failure the user can act on; the CLI prints it without a traceback."""


@dataclass(frozen=True)
class PidRecord:
    """What a pid file remembers so a later run can tell our process from a recycled pid."""

    service: str
    pid: int
    create_time: float
    # A string that must appear in the process's command line (its config or data path).
    marker: str
    ports: tuple[int, ...]
    stop_signal: str
    stop_timeout: float
    # The `stack run` that owns it (pid and start time); None when `stack start` left it
    # running on purpose.
    owner_pid: int | None
    owner_create_time: float | None = None  # absent in pid files of older versions
    # The marker before the server retitles itself, if it does (see `Launch.early_marker`).
    early_marker: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> PidRecord:
        raw: dict[str, Any] = json.loads(text)
        raw["ports"] = tuple(raw["ports"])
        known = {f.name for f in fields(cls)}  # tolerate pid files of other versions
        return cls(**{k: v for k, v in raw.items() if k in known})


def write_record(run_dir: Path, record: PidRecord) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    tmp = run_dir / f".{record.service}.json.tmp"
    tmp.write_text(record.to_json())
    tmp.replace(run_dir / f"{record.service}.json")


def read_records(run_dir: Path) -> list[PidRecord]:
    records = []
    for path in sorted(run_dir.glob("*.json")):
        try:
            records.append(PidRecord.from_json(path.read_text()))
        except (ValueError, TypeError, KeyError):
            path.unlink(missing_ok=True)  # half-written or foreign: useless either way
    return records


def remove_record(run_dir: Path, service: str) -> None:
    (run_dir / f"{service}.json").unlink(missing_ok=True)


def _process(pid: int) -> Any | None:
    try:
        return psutil.Process(pid)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def _cmdline_if_same(pid: int, created: float) -> str | None:
    """The command line of a live pid, if it is the process started at `created`."""
    proc = _process(pid)
    if proc is None:
        return None
    try:
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        # pid + start time identify a process for good; pids alone get recycled.
        if abs(float(proc.create_time()) - created) > 0.5:
            return None
        return " ".join(cast(list[str], proc.cmdline()))
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def is_ours(record: PidRecord) -> bool:
    """True when the pid still belongs to the server we started (before or after it retitles)."""
    cmdline = _cmdline_if_same(record.pid, record.create_time)
    if cmdline is None:
        return False
    return record.marker in cmdline or (record.early_marker is not None and record.early_marker in cmdline)


def owner_alive(record: PidRecord) -> bool:
    """True while the `stack run` that started this server is still running."""
    if record.owner_pid is None or record.owner_create_time is None:
        return False
    return _cmdline_if_same(record.owner_pid, record.owner_create_time) is not None


def create_time(pid: int) -> float:
    proc = _process(pid)
    if proc is None:
        raise StackError(f"process {pid} exited right after it was started")
    return float(proc.create_time())


def spawn(
    argv: Sequence[str],
    *,
    log: IO[bytes],
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
) -> subprocess.Popen[bytes]:
    """Start a server detached from our terminal and process group, output to its log."""
    try:
        return subprocess.Popen(  # noqa: S603 - argv built by our own service modules
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            user=user,
            start_new_session=True,
        )
    except OSError as exc:
        raise StackError(f"cannot execute {argv[0]}: {exc}") from exc


async def run_checked(
    argv: Sequence[str],
    *,
    log_path: Path,
    what: str,
    user: str | None = None,
    env: Mapping[str, str] | None = None,
) -> None:
    """Run a one-shot setup command (initdb, storage format), output appended to the log."""
    with log_path.open("ab") as log:
        offset = log.tell()
        log.write(f"$ {' '.join(argv)}\n".encode())
        log.flush()
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                user=user,
                env=dict(env) if env is not None else None,
            )
        except OSError as exc:  # not executable, missing, or the user cannot be switched to
            raise StackError(f"{what} could not run {argv[0]}: {exc}") from exc
        try:
            rc = await proc.wait()
        except asyncio.CancelledError:
            proc.kill()  # start-up was interrupted: do not leave a half-done initdb behind
            await proc.wait()
            raise
    if rc != 0:
        raise StackError(f"{what} failed (exit {rc}):\n{log_tail(log_path, offset)}")


def stop_process(record: PidRecord) -> bool:
    """Ask politely, then kill the whole process group. Returns False if it was not running."""
    if not is_ours(record):
        return False
    proc = _process(record.pid)
    if proc is None:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(record.pid, signal.Signals[record.stop_signal])
    try:
        # psutil reaps it when it is our child, so no zombie is left behind.
        proc.wait(timeout=record.stop_timeout)
    except psutil.TimeoutExpired:
        # The whole group, so forked helpers (PostgreSQL backends) go too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(record.pid, signal.SIGKILL)
        with contextlib.suppress(psutil.TimeoutExpired, psutil.NoSuchProcess):
            proc.wait(timeout=10)
    except psutil.NoSuchProcess:
        pass
    return True


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.25) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_owner(port: int) -> str:
    """Describe who listens on a port, as precisely as the OS lets us see."""
    try:
        conns = psutil.net_connections(kind="tcp")
    except (psutil.AccessDenied, OSError):
        conns = []
    for conn in conns:
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port:
            proc = _process(conn.pid) if conn.pid else None
            if proc is not None:
                with contextlib.suppress(psutil.Error):
                    return f"pid {conn.pid} ({' '.join(proc.cmdline())[:120]})"
            return f"pid {conn.pid}" if conn.pid else "an unknown process"
    return "an unknown process"


def log_tail(path: Path, offset: int = 0, lines: int = 40) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            text = fh.read().decode(errors="replace")
    except OSError:
        return f"(no log at {path})"
    tail = text.splitlines()[-lines:]
    return "\n".join(f"    | {line}" for line in tail) or "    | (log is empty)"


async def wait_until(
    probe: Callable[[], Awaitable[bool]],
    *,
    proc: subprocess.Popen[bytes],
    within: float,
    what: str,
    log_path: Path,
    log_offset: int,
    interval: float = 0.1,
) -> None:
    """Poll an async probe until it says ready; fail fast when the process dies."""
    deadline = time.monotonic() + within
    while True:
        if proc.poll() is not None:
            raise StackError(
                f"{what} exited during start-up (exit {proc.returncode}); "
                f"log {log_path}:\n{log_tail(log_path, log_offset)}"
            )
        if await probe():
            return
        if time.monotonic() > deadline:
            raise StackError(
                f"{what} not ready after {within:.0f}s; log {log_path}:\n{log_tail(log_path, log_offset)}"
            )
        await asyncio.sleep(interval)
