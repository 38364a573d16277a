"""The contract every local service implements, so the lifecycle code stays generic."""

from __future__ import annotations

import abc
import signal
from dataclasses import dataclass
from pathlib import Path

from deploy.local.processes import port_open
from deploy.local.profiles import HOST, Profile


@dataclass(frozen=True)
class Launch:
    """How to exec a prepared server."""

    argv: list[str]
    # Appears in the server's command line; proves a pid is still this server.
    marker: str
    # What the command line shows before the server retitles itself (Valkey shows its config
    # path until it renames itself "<binary> host:port"): either proves it is ours.
    early_marker: str | None = None
    env: dict[str, str] | None = None
    cwd: Path | None = None
    user: str | None = None


class Service(abc.ABC):
    """One server of a profile: prepare its files, exec it, tell when it is ready."""

    name: str
    stop_signal: signal.Signals = signal.SIGTERM
    stop_timeout: float = 20.0
    ready_timeout: float = 60.0

    def __init__(self, profile: Profile) -> None:
        self.profile = profile

    @property
    @abc.abstractmethod
    def port(self) -> int:
        """The client-facing port (printed and probed)."""

    @property
    def ports(self) -> tuple[int, ...]:
        """Every port the server binds; all must be free before it starts."""
        return (self.port,)

    @property
    def data_dir(self) -> Path:
        return self.profile.service_dir(self.name)

    @property
    def log_path(self) -> Path:
        return self.profile.log_path(self.name)

    @abc.abstractmethod
    async def prepare(self) -> Launch:
        """Install, initialise and configure; return the command that runs the server."""

    @abc.abstractmethod
    async def probe(self) -> bool:
        """One cheap readiness check; must not raise when the server is not up yet."""

    async def after_ready(self) -> None:
        """One-time set-up that needs the running server (e.g. create the database)."""
        return

    async def port_accepts(self) -> bool:
        return port_open(self.port, HOST)
