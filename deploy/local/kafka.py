"""Apache Kafka 4.3 in KRaft combined mode (one process is broker and controller).

Used by the test and bench profiles. The jars come from Maven Central (kafka_install.py);
the storage directory is formatted once, then `kafka.Kafka server.properties` runs.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from deploy.local.kafka_cds import cds_flags
from deploy.local.kafka_install import ensure_kafka_libs, find_java, kafka_home
from deploy.local.processes import StackError, run_checked
from deploy.local.profiles import HOST
from deploy.local.service import Launch, Service

NODE_ID = 1
# Kafka's own defaults (kafka-run-class.sh) with a heap small enough for a 2-core laptop.
JVM_OPTS = [
    "-Xms256m",
    "-Xmx512m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-Djava.awt.headless=true",
]
LOG4J2 = """\
# written by deploy/local/kafka.py: everything to stdout, which goes to logs/kafka.log
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = STDOUT
# The config dump at start-up is hundreds of lines per client; keep the log readable.
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = warn
"""


def new_cluster_id() -> str:
    """Kafka's Uuid text form: 16 random bytes, URL-safe base64 without padding."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):  # Kafka avoids these: they look like CLI flags
            return text


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    # aiokafka logs every refused connection at ERROR; a probe expects a few of those.
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


async def metadata_ready(port: int) -> bool:
    """True when a metadata request answers and lists at least one broker."""
    from aiokafka.client import AIOKafkaClient

    client = AIOKafkaClient(bootstrap_servers=f"{HOST}:{port}", request_timeout_ms=3000, retry_backoff_ms=100)
    with _quiet("aiokafka"):
        try:
            await client.bootstrap()
            return bool(client.cluster.brokers())
        except Exception:  # any failure here means "not ready yet"
            return False
        finally:
            await client.close()


async def wait_for_group_coordinator(port: int, within: float = 30.0) -> None:
    """Make consumer groups usable before the first test needs one.

    The first FindCoordinator creates __consumer_offsets; until then consumers retry with
    GroupCoordinatorNotAvailable, which costs the first test a noticeable pause.
    """
    from aiokafka.client import AIOKafkaClient, CoordinationType

    deadline = time.monotonic() + within
    client = AIOKafkaClient(bootstrap_servers=f"{HOST}:{port}", request_timeout_ms=3000)
    with _quiet("aiokafka"):
        try:
            await client.bootstrap()
            while True:
                try:
                    await client.coordinator_lookup(CoordinationType.GROUP, "stack-readiness")
                    return
                except Exception as exc:  # retriable until the offsets topic exists
                    if time.monotonic() > deadline:
                        raise StackError(f"Kafka on port {port}: no group coordinator") from exc
                    await asyncio.sleep(0.1)
        finally:
            await client.close()


class KafkaService(Service):
    name = "kafka"
    # SIGTERM runs Kafka's controlled shutdown (about 2 s for one node).
    stop_timeout = 30.0
    ready_timeout = 120.0

    @property
    def port(self) -> int:
        return self.profile.kafka_port

    @property
    def controller_port(self) -> int:
        port = self.profile.kafka_controller_port
        if port is None:
            raise StackError(f"profile {self.profile.name} has no Kafka controller port")
        return port

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port, self.controller_port)

    @property
    def config_dir(self) -> Path:
        return self.data_dir / "config"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "data"

    def server_properties(self) -> dict[str, str]:
        props = {
            "process.roles": "broker,controller",
            "node.id": str(NODE_ID),
            "controller.quorum.voters": f"{NODE_ID}@{HOST}:{self.controller_port}",
            "listeners": f"PLAINTEXT://{HOST}:{self.port},CONTROLLER://{HOST}:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.log_dir),
            "num.partitions": "3",
            "auto.create.topics.enable": "true",
            # A single node cannot hold more than one replica of anything.
            "default.replication.factor": "1",
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            # Consumers join at once instead of waiting 3 s for company.
            "group.initial.rebalance.delay.ms": "0",
        }
        if not self.profile.durable:
            # Creating 50 offset partitions on the first consumer group costs a test ~1 s.
            props |= {
                "offsets.topic.num.partitions": "3",
                "transaction.state.log.num.partitions": "3",
            }
        return props

    def _write_config(self) -> tuple[Path, Path]:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        server = self.config_dir / "server.properties"
        text = "".join(f"{key}={value}\n" for key, value in self.server_properties().items())
        server.write_text("# written by deploy/local/kafka.py\n" + text)
        log4j = self.config_dir / "log4j2.properties"
        log4j.write_text(LOG4J2)
        return server, log4j

    async def prepare(self) -> Launch:
        libs = await asyncio.to_thread(ensure_kafka_libs)
        java = find_java()
        server, log4j = self._write_config()
        classpath = f"{libs}/*"  # the JVM expands the wildcard itself
        if not (self.log_dir / "meta.properties").exists():
            await self._format(java, classpath, server, log4j)
        cds = await asyncio.to_thread(cds_flags, kafka_home(), java, libs, classpath)
        argv = [
            java,
            *JVM_OPTS,
            *cds,
            f"-Dlog4j2.configurationFile={log4j}",
            "-cp",
            classpath,
            "kafka.Kafka",
            str(server),
        ]
        # cwd: where a JVM crash report (hs_err_pid*.log) lands, not the repository root.
        return Launch(argv=argv, marker=str(server), cwd=self.data_dir)

    async def _format(self, java: str, classpath: str, server: Path, log4j: Path) -> None:
        """KRaft refuses an unformatted log dir (what `kafka-storage.sh format` does).

        Formatting costs a JVM start (~1.3 s), so the result is kept in the cache and copied:
        it holds only meta.properties and bootstrap.checkpoint, independent of ports. Every
        fresh cluster therefore shares one cluster.id, which is harmless for local use.
        """
        template = kafka_home() / "formatted" / f"node-{NODE_ID}"
        if (template / "meta.properties").exists():
            shutil.copytree(template, self.log_dir, dirs_exist_ok=True)
            return
        await run_checked(
            [
                java,
                f"-Dlog4j2.configurationFile={log4j}",
                "-cp",
                classpath,
                "kafka.tools.StorageTool",  # kafka-storage.sh's main class in 4.3
                "format",
                "--config",
                str(server),
                "--cluster-id",
                new_cluster_id(),
                "--ignore-formatted",
            ],
            log_path=self.log_path,
            what="kafka storage format",
        )
        partial = template.with_name(f"{template.name}.{os.getpid()}.tmp")
        shutil.copytree(self.log_dir, partial)
        try:
            partial.rename(template)
        except OSError:  # a concurrent start saved one first
            shutil.rmtree(partial, ignore_errors=True)

    async def probe(self) -> bool:
        return await self.port_accepts() and await metadata_ready(self.port)

    async def after_ready(self) -> None:
        await wait_for_group_coordinator(self.port)
