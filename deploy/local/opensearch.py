"""OpenSearch 2.19, one node (discovery.type single-node), for the search subgraph.

Used by every profile that runs the search subgraph. The distribution comes from Maven Central
(opensearch_install.py); each profile gets its own config, data and log directories, so the
cached installation is never written to. OpenSearch refuses to run as root, so as root it runs
as the same unprivileged account PostgreSQL does.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
from pathlib import Path

import httpx

from deploy.local.opensearch_install import ensure_opensearch, java_home
from deploy.local.postgres import os_user
from deploy.local.profiles import HOST
from deploy.local.service import Launch, Service

JVM_OPTIONS = """\
# written by deploy/local/opensearch.py (the heap comes from OPENSEARCH_JAVA_OPTS)
-XX:+UseG1GC
-XX:G1ReservePercent=25
-XX:InitiatingHeapOccupancyPercent=30
-XX:+HeapDumpOnOutOfMemoryError
-XX:HeapDumpPath=data
-XX:ErrorFile=logs/hs_err_pid%p.log
-Djava.io.tmpdir=${OPENSEARCH_TMPDIR}
18-:-Djava.security.manager=allow
-Djava.util.concurrent.ForkJoinPool.common.threadFactory=org.opensearch.secure_sm.SecuredForkJoinWorkerThreadFactory
"""
LOG4J2 = """\
# written by deploy/local/opensearch.py: the node's log to stdout, which goes to logs/opensearch.log
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
logger.deprecation.name = org.opensearch.deprecation
logger.deprecation.level = error
"""


class OpenSearchService(Service):
    name = "opensearch"
    stop_timeout = 30.0
    ready_timeout = 120.0  # a cold JVM on two busy cores

    @property
    def port(self) -> int:
        assert self.profile.opensearch_port is not None
        return self.profile.opensearch_port

    @property
    def transport_port(self) -> int:
        return self.port + 100

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port, self.transport_port)

    @property
    def config_dir(self) -> Path:
        return self.data_dir / "config"

    def settings(self) -> dict[str, str]:
        return {
            "cluster.name": f"marketplace-{self.profile.name}",
            "node.name": self.profile.name,
            "path.data": str(self.data_dir / "data"),
            "path.logs": str(self.data_dir / "logs"),
            "network.host": HOST,
            "http.port": str(self.port),
            "transport.port": str(self.transport_port),
            "discovery.type": "single-node",
            # A write to an alias that is gone must fail, not create a stray unmapped index.
            "action.auto_create_index": "false",
            # A nearly full laptop disk must not turn every index read-only.
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            # One shard per index: let one search use every core across its segments (measured
            # on 1M documents, 2 cores: p50 73 -> 54 ms, p90 165 -> 122 ms with every facet).
            "search.concurrent_segment_search.mode": "all",
        }

    def _write_config(self, user: str | None) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        lines = "".join(f"{key}: {value}\n" for key, value in self.settings().items())
        (self.config_dir / "opensearch.yml").write_text("# written by deploy/local/opensearch.py\n" + lines)
        (self.config_dir / "jvm.options").write_text(JVM_OPTIONS)
        (self.config_dir / "jvm.options.d").mkdir(exist_ok=True)
        (self.config_dir / "log4j2.properties").write_text(LOG4J2)
        for name in ("data", "logs", "tmp"):
            (self.data_dir / name).mkdir(exist_ok=True)
        if user is not None:
            # The node writes its keystore, data and logs here: hand the whole tree over.
            entry = pwd.getpwnam(user)
            for root, dirs, files in os.walk(self.data_dir):
                for name in (*dirs, *files):
                    os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)
            os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)

    async def prepare(self) -> Launch:
        home = await asyncio.to_thread(ensure_opensearch)
        user = await asyncio.to_thread(os_user)
        await asyncio.to_thread(self._write_config, user)
        heap = self.profile.opensearch_heap
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "OPENSEARCH_JAVA_HOME": str(java_home()),
            "OPENSEARCH_PATH_CONF": str(self.config_dir),
            "OPENSEARCH_TMPDIR": str(self.data_dir / "tmp"),
            "OPENSEARCH_JAVA_OPTS": f"-Xms{heap} -Xmx{heap}",
        }
        script = home / "bin" / "opensearch"
        return Launch(
            argv=[shutil.which("bash") or "/bin/bash", str(script)],
            # The script execs java with -Dopensearch.path.conf=<config dir>.
            marker=str(self.config_dir),
            early_marker=str(script),
            env=env,
            cwd=self.data_dir,
            user=user,
        )

    async def probe(self) -> bool:
        # Green or yellow cluster health: the node has joined itself and can take an index.
        try:
            async with httpx.AsyncClient(timeout=2.0) as client:
                reply = await client.get(f"http://{HOST}:{self.port}/_cluster/health")
        except httpx.HTTPError:
            return False
        return reply.status_code == 200 and reply.json().get("status") in ("green", "yellow")
