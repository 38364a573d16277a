"""Start the supergraph's own processes (subgraphs and router) on top of a running stack.

Used by `make dev`, the end-to-end tests and the benchmark, so all three run the same
commands: uvicorn per subgraph and Hive Gateway in front, each in its own process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from deploy.local.profiles import repo_root
from subgraphs.registry import SUBGRAPHS

ROUTER_DIR = repo_root() / "router"
REST_DIR = repo_root() / "rest"
SUPERGRAPH = repo_root() / "schema" / "supergraph.graphql"


@dataclass(frozen=True)
class Ports:
    router: int = 4000
    subgraph_offset: int = 0  # added to each subgraph's default port (4001, …)

    @property
    def rest(self) -> int:
        """The REST shim, next to its router (4100 beside 4000)."""
        return self.router + 100

    def subgraph(self, default_port: int) -> int:
        return default_port + self.subgraph_offset


@dataclass
class Running:
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def router_url(self) -> str:
        return self.urls["router"]


def _spawn(
    name: str, command: list[str], env: Mapping[str, str], log_dir: Path, cwd: Path
) -> subprocess.Popen[bytes]:
    log_dir.mkdir(parents=True, exist_ok=True)
    log = (log_dir / f"{name}.log").open("ab")
    return subprocess.Popen(  # noqa: S603 — fixed argv, no shell
        command, cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_http(
    url: str, process: subprocess.Popen[bytes], name: str, log_dir: Path, timeout: float = 60.0
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = (log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{tail}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{name} not ready at {url} after {timeout:.0f}s (log: {log_dir / (name + '.log')})")


def stop(running: Running, timeout: float = 10.0) -> None:
    for process in running.processes.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in running.processes.values():
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start(
    env: Mapping[str, str],
    log_dir: Path,
    ports: Ports = Ports(),
    *,
    workers: int = 1,
    router_env: Mapping[str, str] | None = None,
) -> Running:
    """Subgraphs first (they migrate on start), then the router pointed at them."""
    running = Running()
    try:
        router_vars: dict[str, str] = {}
        for entry in SUBGRAPHS:
            start_subgraph(running, entry.name, env, log_dir, ports, workers=workers)
            router_vars[f"{entry.name.upper()}_URL"] = running.urls[entry.name]
        start_router(running, env, log_dir, ports.router, {**router_vars, **(router_env or {})})
        start_rest(running, env, log_dir, ports.rest)
    except BaseException:
        stop(running)
        raise
    return running


def start_subgraph(
    running: Running, name: str, env: Mapping[str, str], log_dir: Path, ports: Ports, *, workers: int = 1
) -> None:
    """One subgraph's uvicorn (again, when a fault test killed it), ready when this returns."""
    entry = next(e for e in SUBGRAPHS if e.name == name)
    port = ports.subgraph(entry.port)
    host, module = "127.0.0.1", entry.asgi_factory
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        module,
        "--factory",
        "--host",
        host,
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        # Longer than the router's pooled connections stay idle (undici: 4 s), so the router,
        # not the subgraph, closes an idle one: a request never lands on a socket being closed
        # ("socket hang up", seen under 60 concurrent checkouts with uvicorn's default 5 s).
        "--timeout-keep-alive",
        "30",
        "--log-level",
        "warning",
        "--workers",
        str(workers),
    ]
    # A subgraph that calls another (cart asks products about variants) learns its URL as
    # <SELF>_<OTHER>_URL; the registry starts the called one first.
    names = {e.name for e in SUBGRAPHS}
    peers = {
        f"{entry.name.upper()}_{other.upper()}_URL": url
        for other, url in running.urls.items()
        if other in names and other != entry.name
    }
    # Where the subgraph itself is reached (e.g. the fake payment provider's webhooks to orders).
    own = {"SUBGRAPH_SELF_URL": f"http://{host}:{port}"}
    process = _spawn(
        entry.name, command, {**env, **peers, **own, "PYTHONPATH": str(repo_root())}, log_dir, repo_root()
    )
    running.processes[entry.name] = process
    running.urls[entry.name] = f"http://{host}:{port}/graphql"
    wait_http(f"http://{host}:{port}/ready", process, entry.name, log_dir)


def kill(running: Running, name: str) -> None:
    """SIGKILL one process of the supergraph (a crash, for the fault tests)."""
    process = running.processes.pop(name)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def subgraph_urls(running: Running) -> dict[str, str]:
    """`<NAME>_URL` for each running subgraph: what a router in front of them needs."""
    names = {entry.name for entry in SUBGRAPHS}
    return {f"{name.upper()}_URL": url for name, url in running.urls.items() if name in names}


def start_router(
    running: Running,
    env: Mapping[str, str],
    log_dir: Path,
    port: int,
    router_env: Mapping[str, str],
    name: str = "router",
) -> str:
    """A Hive Gateway process in front of `running`'s subgraphs; returns its GraphQL URL."""
    gateway = ROUTER_DIR / "node_modules" / ".bin" / "hive-gateway"
    command = [str(gateway), "supergraph", str(SUPERGRAPH)]
    # The gateway reads LOG_LEVEL itself (with other values): it gets ROUTER_LOG_LEVEL instead.
    gateway_env = {k: v for k, v in env.items() if k != "LOG_LEVEL"}
    process = _spawn(
        name, command, {**gateway_env, "ROUTER_PORT": str(port), **router_env}, log_dir, ROUTER_DIR
    )
    running.processes[name] = process
    running.urls[name] = f"http://127.0.0.1:{port}/graphql"
    wait_http(f"http://127.0.0.1:{port}/healthcheck", process, name, log_dir)
    return running.urls[name]


def start_rest(running: Running, env: Mapping[str, str], log_dir: Path, port: int, name: str = "rest") -> str:
    """The REST compatibility shim in front of `running`'s router; returns its base URL."""
    command = ["node", str(REST_DIR / "server.mjs")]
    rest_env = {**env, "REST_PORT": str(port), "REST_ROUTER_URL": running.urls["router"]}
    process = _spawn(name, command, rest_env, log_dir, REST_DIR)
    running.processes[name] = process
    running.urls[name] = f"http://127.0.0.1:{port}/api/"
    wait_http(f"http://127.0.0.1:{port}/health", process, name, log_dir)
    return running.urls[name]


@contextlib.contextmanager
def running_supergraph(
    env: Mapping[str, str], log_dir: Path, ports: Ports = Ports(), **kwargs: object
) -> Iterator[Running]:
    running = start(env, log_dir, ports, **kwargs)  # type: ignore[arg-type]
    try:
        yield running
    finally:
        stop(running)
