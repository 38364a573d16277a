"""Fetch the Apache Kafka broker jars from Maven Central into .cache/, once.

There is no Kafka tarball on the registries this project can reach, but every jar of the
broker is on Maven Central: deploy/local/kafka/pom.xml lists them and Maven copies the
runtime closure into .cache/kafka-<version>/libs. A marker file makes later calls free.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from deploy.local.processes import StackError
from deploy.local.profiles import cache_dir

KAFKA_VERSION = "4.3.1"
_MARKER = ".installed"


def kafka_home(cache: Path | None = None) -> Path:
    return (cache or cache_dir()) / f"kafka-{KAFKA_VERSION}"


def find_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise StackError("`java` is not on PATH: Apache Kafka needs Java 17 or newer")
    return java


@contextlib.contextmanager
def _install_lock(home: Path) -> Iterator[None]:
    # test and bench may start together; only one of them may run Maven into the cache.
    home.mkdir(parents=True, exist_ok=True)
    with (home / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def default_pom() -> Path:
    return Path(__file__).resolve().parent / "kafka" / "pom.xml"


def ensure_kafka_libs(cache: Path | None = None, *, pom: Path | None = None) -> Path:
    """Return the directory of Kafka jars, downloading them first if the marker is missing."""
    home = kafka_home(cache)
    libs = home / "libs"
    if (home / _MARKER).exists():
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError(
            "Maven (`mvn`) is not on PATH. It is needed once, to fetch the Apache Kafka "
            f"{KAFKA_VERSION} jars from Maven Central into {libs} "
            "(Debian/Ubuntu: `apt-get install maven`; or https://maven.apache.org/download.cgi)."
        )
    with _install_lock(home):
        if (home / _MARKER).exists():  # another process finished it while we waited
            return libs
        partial = home / "libs.partial"
        shutil.rmtree(partial, ignore_errors=True)
        started = time.monotonic()
        argv = [
            mvn,
            "-q",
            "-B",
            "-f",
            str(pom or default_pom()),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={partial}",
            "-DincludeScope=runtime",
        ]
        result = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip().splitlines()[-30:]
            raise StackError(
                f"Maven could not fetch Kafka {KAFKA_VERSION} (exit {result.returncode}):\n"
                + "\n".join(f"    | {line}" for line in output)
            )
        if not (partial / f"kafka_2.13-{KAFKA_VERSION}.jar").exists():
            raise StackError(f"Maven finished but kafka_2.13-{KAFKA_VERSION}.jar is not in {partial}")
        shutil.rmtree(libs, ignore_errors=True)
        partial.replace(libs)  # atomic: a crash never leaves a half-filled libs/ marked done
        jars = sorted(p.name for p in libs.glob("*.jar"))
        (home / _MARKER).write_text("\n".join(jars) + "\n")
        took = time.monotonic() - started
        print(f"  kafka    fetched {KAFKA_VERSION}: {len(jars)} jars in {took:.1f}s", file=sys.stderr)
    return libs


if __name__ == "__main__":
    print(ensure_kafka_libs())
