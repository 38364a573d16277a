"""The stack's own rules: fixed ports, recognising its processes, refusing strangers' ports."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.local import kafka_install, lifecycle
from deploy.local.lifecycle import start_profile
from deploy.local.processes import PidRecord, StackError, create_time, is_ours, run_checked, stop_process
from deploy.local.profiles import PROFILES
from deploy.local.service import Launch, Service


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def _record(proc: subprocess.Popen[bytes], **changes: object) -> PidRecord:
    record = PidRecord(
        service="sleeper",
        pid=proc.pid,
        create_time=create_time(proc.pid),
        marker="time.sleep(60)",
        ports=(),
        stop_signal="SIGTERM",
        stop_timeout=5.0,
        owner_pid=None,
        owner_create_time=None,
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def test_no_two_profiles_share_a_port() -> None:
    ports = [
        port
        for p in PROFILES.values()
        for port in (p.postgres_port, p.valkey_port, p.kafka_port, p.kafka_controller_port)
        if port is not None
    ]
    assert len(ports) == len(set(ports))


def test_profile_exports_the_urls_the_subgraphs_read() -> None:
    env = PROFILES["test"].env()
    assert env == {
        "DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:25433/marketplace",
        "REDIS_URL": "redis://127.0.0.1:26380/0",
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:29092",
        "STACK_PROFILE": "test",
        "OPENSEARCH_URL": "http://127.0.0.1:29210",
    }


def test_a_pid_is_ours_only_with_its_start_time_and_marker(
    sleeper: subprocess.Popen[bytes],
) -> None:
    assert is_ours(_record(sleeper))
    assert not is_ours(_record(sleeper, create_time=create_time(sleeper.pid) - 100))
    assert not is_ours(_record(sleeper, marker="/some/other/data/dir"))


def test_stopping_a_process_that_ignores_sigterm_kills_it() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
            " print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # SIGTERM is ignored from here on
    record = dataclasses.replace(_record(proc), marker="SIG_IGN", stop_timeout=0.5)
    began = time.monotonic()
    assert stop_process(record)
    assert time.monotonic() - began < 5
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(proc.pid, 0)


def test_kafka_install_is_skipped_once_marked_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = kafka_install.kafka_home(tmp_path)
    (home / "libs").mkdir(parents=True)
    (home / ".installed").write_text("kafka_2.13-4.3.1.jar\n")
    monkeypatch.setattr(shutil, "which", lambda name: None)  # Maven is not even needed
    assert kafka_install.ensure_kafka_libs(tmp_path) == home / "libs"


def test_kafka_install_without_maven_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(StackError, match="Maven"):
        kafka_install.ensure_kafka_libs(tmp_path)


async def test_a_port_held_by_a_stranger_is_refused_before_anything_starts() -> None:
    stranger = socket.socket()
    stranger.bind(("127.0.0.1", 0))
    stranger.listen()
    profile = dataclasses.replace(
        PROFILES["dev"],
        name="pytest-foreign-port",
        postgres_port=_free_port(),
        valkey_port=stranger.getsockname()[1],
        kafka_port=_free_port(),
    )
    spawned: list[PidRecord] = []
    try:
        with pytest.raises(StackError, match="already in use"):
            await start_profile(profile, owner_pid=None, spawned=spawned, say=lambda _: None)
        assert spawned == []
    finally:
        stranger.close()
        await asyncio.to_thread(shutil.rmtree, profile.data_dir, True)


def test_a_server_not_yet_retitled_is_still_recognised_and_stopped(sleeper: subprocess.Popen[bytes]) -> None:
    # Valkey shows its config path until it renames itself "<binary> host:port": a start-up
    # that fails in between must still stop it, not forget it.
    record = _record(sleeper, marker="127.0.0.1:1", early_marker="time.sleep(60)")
    assert is_ours(record)
    assert stop_process(record)
    assert sleeper.wait(timeout=5) is not None


async def test_a_helper_that_cannot_run_is_a_clear_error(tmp_path: Path) -> None:
    not_executable = tmp_path / "initdb"
    not_executable.write_text("#!/bin/sh\n")
    with pytest.raises(StackError, match="could not run"):
        await run_checked([str(not_executable)], log_path=tmp_path / "log", what="initdb")


class _Unlaunchable(Service):
    name = "broken"

    @property
    def port(self) -> int:
        return _free_port()

    async def prepare(self) -> Launch:
        raise PermissionError("cannot write the data directory")

    async def probe(self) -> bool:
        return False


async def test_an_unexpected_start_up_failure_is_reported_as_one_stack_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    profile = dataclasses.replace(PROFILES["dev"], name="pytest-broken-service")
    monkeypatch.setattr(lifecycle, "services_for", lambda p: [_Unlaunchable(p)])
    try:
        with pytest.raises(StackError, match="PermissionError: cannot write the data directory"):
            await start_profile(profile, owner_pid=None, spawned=[], say=lambda _: None)
    finally:
        await asyncio.to_thread(shutil.rmtree, profile.data_dir, True)


class _UnlaunchableSearch(_Unlaunchable):
    name = "opensearch"


async def test_dev_goes_on_without_opensearch_when_it_cannot_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifecycle, "services_for", lambda p: [_UnlaunchableSearch(p)])
    dev = dataclasses.replace(PROFILES["dev"], name="pytest-optional-service")
    test = dataclasses.replace(PROFILES["test"], name="pytest-required-service")
    said: list[str] = []
    try:
        assert await start_profile(dev, owner_pid=None, spawned=[], say=said.append) == []
        assert any("opensearch" in s and "going on without it" in s and "cannot write" in s for s in said)
        # Elsewhere (test, bench) it is required: the stack refuses to start without it.
        with pytest.raises(StackError, match="cannot write the data directory"):
            await start_profile(test, owner_pid=None, spawned=[], say=lambda _: None)
    finally:
        for profile in (dev, test):
            await asyncio.to_thread(shutil.rmtree, profile.data_dir, True)
