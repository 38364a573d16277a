"""Command line: run a command inside a profile's services, or start/stop/inspect them.

    uv run python -m deploy.local.stack run --profile test -- uv run pytest
    uv run python -m deploy.local.stack start --profile dev      # leaves them running
    uv run python -m deploy.local.stack stop --profile dev
    uv run python -m deploy.local.stack status
    eval "$(uv run python -m deploy.local.stack env --profile dev)"

Progress goes to stderr; `start` and `env` print `export NAME=value` lines on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator, Sequence
from types import FrameType
from typing import Any, TypeVar

from deploy.local.lifecycle import profile_lock as _lock
from deploy.local.lifecycle import start_profile, status_lines, stop_profile, stop_records
from deploy.local.processes import PidRecord, StackError
from deploy.local.profiles import PROFILES, Profile, get_profile

T = TypeVar("T")
_TERMINATING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _run_async(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run, with SIGTERM/SIGHUP cancelling start-up the way Ctrl-C does."""
    received: list[int] = []

    async def main() -> T:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def cancel(signum: int) -> None:
            received.append(signum)
            task.cancel()

        for sig in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, cancel, sig)
        return await coro

    try:
        return asyncio.run(main())
    except asyncio.CancelledError:
        raise Interrupted(received[0] if received else signal.SIGINT) from None
    except KeyboardInterrupt:
        raise Interrupted(signal.SIGINT) from None


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    # While servers stop, a second Ctrl-C must not abandon them half-stopped.
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in _TERMINATING}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _terminal_delivers_sigint() -> bool:
    """True when we are the terminal's foreground group: Ctrl-C reached the child too."""
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):
            if os.isatty(fd):
                return os.tcgetpgrp(fd) == os.getpgrp()
    return False


def run_child(command: Sequence[str], env: dict[str, str]) -> int:
    """Run the command in the foreground, forward termination signals, return its exit code."""
    try:
        child = subprocess.Popen(list(command), env=env)  # noqa: S603 - the user's own command
    except FileNotFoundError:
        say(f"stack: command not found: {command[0]}")
        return 127
    except PermissionError:
        say(f"stack: permission denied: {command[0]}")
        return 126

    def forward(signum: int, _frame: FrameType | None) -> None:
        if signum == signal.SIGINT and _terminal_delivers_sigint():
            return  # the child got this Ctrl-C from the terminal already
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in _TERMINATING}
    try:
        returncode = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    # Shell convention: killed by signal N -> 128 + N.
    return 128 - returncode if returncode < 0 else returncode


def _exports(profile: Profile) -> str:
    return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in profile.env().items())


def _start(profile: Profile, owner_pid: int | None, spawned: list[PidRecord]) -> None:
    began = time.monotonic()
    say(f"stack: starting profile {profile.name} (data in {profile.data_dir})")
    with _lock(profile, say):
        started = _run_async(start_profile(profile, owner_pid=owner_pid, spawned=spawned, say=say))
    reused = sum(item.reused for item in started)
    note = f", {reused} already running" if reused else ""
    say(f"stack: profile {profile.name} ready in {time.monotonic() - began:.2f}s{note}")


def _stop_spawned(profile: Profile, spawned: list[PidRecord]) -> None:
    if not spawned:
        return
    with _signals_ignored(), _lock(profile, say):
        say(f"stack: stopping profile {profile.name}")
        stop_records(profile, spawned, say)


def cmd_run(profile: Profile, command: Sequence[str]) -> int:
    spawned: list[PidRecord] = []
    try:
        _start(profile, os.getpid(), spawned)
        env = {**os.environ, **profile.env()}
        say(f"stack: running {shlex.join(command)}")
        return run_child(command, env)
    finally:
        _stop_spawned(profile, spawned)


def cmd_start(profile: Profile) -> int:
    spawned: list[PidRecord] = []
    try:
        _start(profile, None, spawned)
    except BaseException:
        _stop_spawned(profile, spawned)  # all or nothing
        raise
    print(_exports(profile), flush=True)
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.local.stack",
        description="Local PostgreSQL, Valkey and Kafka for the dev, test and bench profiles.",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    choices = list(PROFILES)
    run = sub.add_parser("run", help="start services, run COMMAND with their URLs, stop them")
    run.add_argument("--profile", required=True, choices=choices)
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    for name, text in (("start", "start and leave running"), ("stop", "stop what is running")):
        sub.add_parser(name, help=text).add_argument("--profile", required=True, choices=choices)
    sub.add_parser("status", help="what runs where").add_argument("--profile", choices=choices)
    sub.add_parser("env", help="print export lines").add_argument("--profile", required=True, choices=choices)
    args = parser.parse_args(argv)
    if args.action == "run":
        args.command = args.command[1:] if args.command[:1] == ["--"] else args.command
        if not args.command:
            parser.error("run needs a command: run --profile PROFILE -- COMMAND [ARGS...]")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.action == "status":
            names = [args.profile] if args.profile else list(PROFILES)
            for name in names:
                print("\n".join(status_lines(get_profile(name))))
            return 0
        profile = get_profile(args.profile)
        if args.action == "run":
            return cmd_run(profile, args.command)
        if args.action == "start":
            return cmd_start(profile)
        if args.action == "stop":
            stop_profile(profile, say)
            return 0
        print(_exports(profile))
        return 0
    except StackError as exc:
        say(f"stack: error: {exc}")
        return 1
    except Interrupted as exc:
        say(f"stack: interrupted by {exc}")
        return 128 + exc.signum


if __name__ == "__main__":
    sys.exit(main())
