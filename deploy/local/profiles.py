"""Profiles: which services run where, on which fixed ports, with how much durability."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

BrokerKind = Literal["apache", "tansu"]
HOST = "127.0.0.1"


@functools.cache
def repo_root() -> Path:
    # deploy/local/profiles.py -> the repository root, whatever the caller's cwd.
    return Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    """Downloads that survive every profile wipe (git-ignored)."""
    return repo_root() / ".cache"


@dataclass(frozen=True)
class Profile:
    name: str
    postgres_port: int
    valkey_port: int
    kafka_port: int
    # Only Apache Kafka (KRaft combined mode) has a separate controller listener.
    kafka_controller_port: int | None
    broker: BrokerKind
    # test starts from nothing each time; dev and bench keep their data.
    wipe_on_start: bool
    # False trades crash safety for speed (fsync off); only for throw-away test data.
    durable: bool
    # dev keeps an RDB snapshot so sessions and carts survive a restart.
    valkey_snapshots: bool
    # OpenSearch's HTTP port (transport: +100), or None where no search subgraph runs.
    opensearch_port: int | None = None
    opensearch_heap: str = "512m"
    # Services the profile goes on without when they cannot start on this machine.
    optional_services: frozenset[str] = frozenset()

    @property
    def data_dir(self) -> Path:
        return repo_root() / ".data" / self.name

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def run_dir(self) -> Path:
        """Pid files of the services this profile started."""
        return self.data_dir / "run"

    def service_dir(self, service: str) -> Path:
        return self.data_dir / service

    def log_path(self, service: str) -> Path:
        return self.logs_dir / f"{service}.log"

    def env(self) -> dict[str, str]:
        """What a command run inside the stack needs to reach it."""
        return {
            "DATABASE_URL": f"postgresql+asyncpg://postgres@{HOST}:{self.postgres_port}/marketplace",
            "REDIS_URL": f"redis://{HOST}:{self.valkey_port}/0",
            "KAFKA_BOOTSTRAP_SERVERS": f"{HOST}:{self.kafka_port}",
            "STACK_PROFILE": self.name,
        } | ({"OPENSEARCH_URL": f"http://{HOST}:{self.opensearch_port}"} if self.opensearch_port else {})


# Every port is below Linux's ephemeral range (32768-60999): a server (re)started after heavy
# traffic could otherwise find its port taken as some client connection's local port (seen:
# Kafka 39092 and a fault subgraph on 34002 after the e2e load).
PROFILES: dict[str, Profile] = {
    "dev": Profile(
        name="dev",
        postgres_port=25432,
        valkey_port=26379,
        kafka_port=19092,
        kafka_controller_port=None,
        broker="tansu",
        wipe_on_start=False,
        durable=True,
        valkey_snapshots=True,
        opensearch_port=29200,
        opensearch_heap="512m",
        # `make dev` must work everywhere: without OpenSearch, search says SEARCH_UNAVAILABLE.
        optional_services=frozenset({"opensearch"}),
    ),
    "test": Profile(
        name="test",
        postgres_port=25433,
        valkey_port=26380,
        kafka_port=29092,
        kafka_controller_port=29093,
        broker="apache",
        wipe_on_start=True,
        durable=False,
        valkey_snapshots=False,
        opensearch_port=29210,
        opensearch_heap="512m",
    ),
    # The fault tests kill and restart these servers; durable like production, so "no
    # acknowledged write lost" is tested on the settings that promise it.
    "faults": Profile(
        name="faults",
        postgres_port=31432,
        valkey_port=31379,
        kafka_port=31092,
        kafka_controller_port=31093,
        broker="apache",
        wipe_on_start=True,
        durable=True,
        valkey_snapshots=False,
        opensearch_port=31200,
    ),
    "bench": Profile(
        name="bench",
        postgres_port=25434,
        valkey_port=26381,
        kafka_port=29192,
        kafka_controller_port=29193,
        broker="apache",
        wipe_on_start=False,
        durable=True,
        valkey_snapshots=False,
        opensearch_port=29220,
        opensearch_heap="1g",
    ),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"unknown profile {name!r} (known: {known})") from None
