"""Kill and restart the real servers of the `faults` profile while the supergraph runs on it.

The fault tests own this profile (its own PostgreSQL, Valkey and Apache Kafka, durable like
production), so killing a server never disturbs the rest of the suite.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass, field
from typing import TypeVar

from deploy.local.lifecycle import services_for, start_profile, start_service, stop_records
from deploy.local.processes import PidRecord, port_open
from deploy.local.profiles import HOST, Profile, get_profile
from deploy.local.service import Service

T = TypeVar("T")


def _quiet(_: str) -> None:
    return


@dataclass
class FaultStack:
    profile: Profile = field(default_factory=lambda: get_profile("faults"))
    spawned: list[PidRecord] = field(default_factory=list)

    async def start(self) -> None:
        await start_profile(self.profile, owner_pid=os.getpid(), spawned=self.spawned, say=_quiet)

    def stop(self) -> None:
        stop_records(self.profile, self.spawned, _quiet)

    def _service(self, name: str) -> Service:
        return next(s for s in services_for(self.profile) if s.name == name)

    def kill(self, name: str) -> None:
        """SIGKILL the server and everything it started (PostgreSQL's backends): a crash."""
        record = next(r for r in self.spawned if r.service == name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(record.pid, signal.SIGKILL)
        self.spawned.remove(record)
        service = self._service(name)
        deadline = time.monotonic() + 20
        while any(port_open(p, HOST) for p in service.ports) and time.monotonic() < deadline:
            time.sleep(0.05)

    async def restart(self, name: str, *, wipe: bool = False) -> None:
        """Start the killed server again: with its data (PostgreSQL, Kafka), or empty (`wipe`)."""
        await start_service(self._service(name), os.getpid(), self.spawned, _quiet, wipe=wipe)

    def env(self) -> dict[str, str]:
        return self.profile.env()
