"""Start, stop and inspect a profile's services.

Start-up runs every service at once (the JVM dominates), reuses servers a `stack start` left
running, stops leftovers of a crashed `stack run`, and refuses ports held by strangers.
Each spawned server is appended to a caller-owned list the moment it exists, so the caller's
`finally` can stop it whatever happens next.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from deploy.local.kafka import KafkaService
from deploy.local.opensearch import OpenSearchService
from deploy.local.postgres import PostgresService
from deploy.local.processes import (
    PidRecord,
    StackError,
    create_time,
    is_ours,
    owner_alive,
    port_open,
    port_owner,
    read_records,
    remove_record,
    spawn,
    stop_process,
    wait_until,
    write_record,
)
from deploy.local.profiles import HOST, Profile
from deploy.local.service import Service
from deploy.local.tansu import TansuService
from deploy.local.valkey import ValkeyService

Say = Callable[[str], None]


def services_for(profile: Profile) -> list[Service]:
    broker: Service = KafkaService(profile) if profile.broker == "apache" else TansuService(profile)
    services = [PostgresService(profile), ValkeyService(profile), broker]
    if profile.opensearch_port is not None:
        services.append(OpenSearchService(profile))
    return services


@dataclass(frozen=True)
class Started:
    record: PidRecord
    reused: bool


@contextlib.contextmanager
def profile_lock(profile: Profile, say: Say) -> Iterator[None]:
    """Serialise start/stop of one profile between concurrent stack commands."""
    profile.data_dir.mkdir(parents=True, exist_ok=True)
    with (profile.data_dir / "stack.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another stack command on profile {profile.name} ...")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


async def start_profile(
    profile: Profile, *, owner_pid: int | None, spawned: list[PidRecord], say: Say
) -> list[Started]:
    """Bring every service of the profile up; `owner_pid` None means "leave running"."""
    existing = {record.service: record for record in read_records(profile.run_dir)}
    services = services_for(profile)
    previous = [existing.pop(service.name, None) for service in services]
    # Probing (and stopping leftovers) in parallel: a JVM takes seconds to stop.
    reusable = await asyncio.gather(
        *(_reusable(s, r, owner_pid, say) for s, r in zip(services, previous, strict=True))
    )
    results: list[Started] = []
    to_start: list[Service] = []
    for service, record, reuse in zip(services, previous, reusable, strict=True):
        if record is not None and reuse:
            results.append(Started(record, reused=True))
            continue
        remove_record(profile.run_dir, service.name)
        to_start.append(service)
    for record in existing.values():  # a service this profile no longer has
        await asyncio.to_thread(stop_process, record)
        remove_record(profile.run_dir, record.service)

    for service in to_start:
        for port in service.ports:
            if port_open(port, HOST):
                raise StackError(
                    f"port {port} ({service.name}, profile {profile.name}) is already in use by "
                    f"{port_owner(port)}, which this stack did not start; stop it or free the port"
                )
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [
                group.create_task(
                    _start_optional(s, owner_pid, spawned, say)
                    if s.name in profile.optional_services
                    else _start_one(s, owner_pid, spawned, say)
                )
                for s in to_start
            ]
    except* Exception as failures:
        # The first failure cancels the others; report every failure that happened, as one
        # message (an unexpected error keeps its type in the text).
        raise StackError("\n".join(_describe(exc) for exc in failures.exceptions)) from None
    return results + [Started(r, reused=False) for r in (task.result() for task in tasks) if r is not None]


def _describe(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, StackError) else f"{type(exc).__name__}: {exc}"


async def _reusable(service: Service, record: PidRecord | None, owner_pid: int | None, say: Say) -> bool:
    if record is None or not is_ours(record):
        return False  # dead, or the pid now belongs to someone else: just forget it
    if record.owner_pid is not None and record.owner_pid != owner_pid:
        if owner_alive(record):
            raise StackError(
                f"profile {service.profile.name} is in use by `stack run` (pid "
                f"{record.owner_pid}); wait for it or `stack stop --profile {service.profile.name}`"
            )
    elif record.owner_pid is None and await service.probe():
        say(f"  {service.name:<8} already running on {HOST}:{service.port} (pid {record.pid})")
        return True
    say(f"  {service.name:<8} stopping a leftover of an earlier run (pid {record.pid})")
    await asyncio.to_thread(stop_process, record)
    return False


async def start_service(
    service: Service, owner_pid: int | None, spawned: list[PidRecord], say: Say, *, wipe: bool | None = None
) -> PidRecord:
    """Start one server (the fault tests restart one with its data, or Valkey without it)."""
    return await _start_one(service, owner_pid, spawned, say, wipe=wipe)


async def _start_optional(
    service: Service, owner_pid: int | None, spawned: list[PidRecord], say: Say
) -> PidRecord | None:
    """A service the profile can do without (dev's OpenSearch on a machine that cannot run it):
    say why it is missing and go on; what uses it answers with a coded error meanwhile."""
    try:
        return await _start_one(service, owner_pid, spawned, say)
    except Exception as exc:
        for record in [r for r in spawned if r.service == service.name]:
            await asyncio.to_thread(stop_process, record)
            spawned.remove(record)
            remove_record(service.profile.run_dir, service.name)
        why = _describe(exc).splitlines()[0]
        say(
            f"  {service.name:<10} could not start here; going on without it ({why}; log: {service.log_path})"
        )
        return None


async def _start_one(
    service: Service, owner_pid: int | None, spawned: list[PidRecord], say: Say, *, wipe: bool | None = None
) -> PidRecord:
    began = time.monotonic()
    profile = service.profile
    if profile.wipe_on_start if wipe is None else wipe:
        # In a thread: deleting a cluster's files must not hold up the other services' start.
        await asyncio.to_thread(shutil.rmtree, service.data_dir, ignore_errors=True)
    profile.logs_dir.mkdir(parents=True, exist_ok=True)
    # A fresh log per run for wiped profiles; dev and bench keep their history.
    with service.log_path.open("wb" if profile.wipe_on_start else "ab") as log:
        stamp = datetime.now().isoformat(timespec="seconds")
        log.write(f"===== {stamp} starting {service.name} (profile {profile.name})\n".encode())

    launch = await service.prepare()
    with service.log_path.open("ab") as log:
        offset = log.tell()
        proc = spawn(launch.argv, log=log, env=launch.env, cwd=launch.cwd, user=launch.user)
    record = PidRecord(
        service=service.name,
        pid=proc.pid,
        create_time=create_time(proc.pid),
        marker=launch.marker,
        early_marker=launch.early_marker,
        ports=service.ports,
        stop_signal=service.stop_signal.name,
        stop_timeout=service.stop_timeout,
        owner_pid=owner_pid,
        owner_create_time=None if owner_pid is None else create_time(owner_pid),
    )
    spawned.append(record)
    write_record(profile.run_dir, record)

    await wait_until(
        service.probe,
        proc=proc,
        within=service.ready_timeout,
        what=f"{service.name} (profile {profile.name})",
        log_path=service.log_path,
        log_offset=offset,
    )
    if not is_ours(record):  # e.g. the server retitled itself and hides its marker
        raise StackError(f"{service.name}: cannot recognise pid {proc.pid} as ours; not stopping")
    await service.after_ready()
    elapsed = time.monotonic() - began
    say(f"  {service.name:<10} ready on {HOST}:{service.port:<5}  pid {proc.pid:<7} {elapsed:5.2f}s")
    return record


def stop_records(profile: Profile, records: Sequence[PidRecord], say: Say) -> None:
    """Stop servers in parallel (each waits for its own graceful shutdown)."""
    if not records:
        return
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(records)) as pool:
        stopped = list(pool.map(stop_process, records))
    for record in records:
        remove_record(profile.run_dir, record.service)
    names = ", ".join(r.service for r, ok in zip(records, stopped, strict=True) if ok) or "nothing"
    say(f"  stopped {names} ({profile.name}) in {time.monotonic() - began:.2f}s")


def stop_profile(profile: Profile, say: Say) -> None:
    with profile_lock(profile, say):
        stop_records(profile, read_records(profile.run_dir), say)


def status_lines(profile: Profile) -> list[str]:
    records = {record.service: record for record in read_records(profile.run_dir)}
    lines = []
    for service in services_for(profile):
        record = records.get(service.name)
        where = f"{HOST}:{service.port}"
        if record is not None and is_ours(record):
            owner = (
                "left running by `stack start`"
                if record.owner_pid is None
                else f"owned by `stack run` pid {record.owner_pid}"
                + ("" if owner_alive(record) else " (gone: stale)")
            )
            state = f"running  {where:<16} pid {record.pid:<7} {owner}"
        elif port_open(service.port, HOST):
            state = f"stopped  {where:<16} port busy: {port_owner(service.port)}"
        else:
            state = f"stopped  {where}"
        lines.append(f"{profile.name:<6} {service.name:<8} {state}")
    return lines
