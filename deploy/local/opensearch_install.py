"""Fetch OpenSearch from Maven Central into .cache/, once.

OpenSearch publishes no server tarball on the registries this project reaches, but Maven
Central carries `org.opensearch.distribution.integ-test-zip:opensearch`: a whole runnable
distribution (bin/, lib/, the netty4 transport module) without the security plugin. The
analysis module (stemmers, synonyms, edge n-grams, ASCII folding) is published as a bare jar
(`org.opensearch.plugin:analysis-common`); we add it as a module with the descriptor the
distribution's build would have written. Maven does the downloads (its ~/.m2 cache and the
machine's mirrors); a marker file makes later calls free.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from deploy.local.processes import StackError
from deploy.local.profiles import cache_dir

OPENSEARCH_VERSION = "2.19.6"  # the newest that runs on Java 17 (3.x needs Java 21)
_MARKER = ".installed"
_DISTRIBUTION = f"org.opensearch.distribution.integ-test-zip:opensearch:{OPENSEARCH_VERSION}:zip"
_ANALYSIS = f"org.opensearch.plugin:analysis-common:{OPENSEARCH_VERSION}:jar"
_ANALYSIS_DESCRIPTOR = f"""\
# written by deploy/local/opensearch_install.py (what the distribution's build writes)
description=Adds "built in" analyzers to OpenSearch.
version={OPENSEARCH_VERSION}
name=analysis-common
classname=org.opensearch.analysis.common.CommonAnalysisPlugin
java.version=11
opensearch.version={OPENSEARCH_VERSION}
custom.foldername=
extended.plugins=
has.native.controller=false
"""


def opensearch_home(cache: Path | None = None) -> Path:
    return (cache or cache_dir()) / f"opensearch-{OPENSEARCH_VERSION}"


def java_home() -> Path:
    """The JDK of the `java` on PATH (OpenSearch 2.19 runs on 17 and newer)."""
    java = shutil.which("java")
    if java is None:
        raise StackError("`java` is not on PATH: OpenSearch needs Java 17 or newer")
    return Path(java).resolve().parents[1]


@contextlib.contextmanager
def _install_lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with (root / f".opensearch-{OPENSEARCH_VERSION}.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _maven_copy(mvn: str, artifact: str, into: Path) -> None:
    argv = [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={artifact}", f"-DoutputDirectory={into}"]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-30:]
        raise StackError(
            f"Maven could not fetch {artifact} (exit {result.returncode}):\n"
            + "\n".join(f"    | {line}" for line in output)
        )


def ensure_opensearch(cache: Path | None = None) -> Path:
    """Return OpenSearch's home directory, downloading it first if the marker is missing."""
    home = opensearch_home(cache)
    if (home / _MARKER).exists():
        return home
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError(
            "Maven (`mvn`) is not on PATH. It is needed once, to fetch OpenSearch "
            f"{OPENSEARCH_VERSION} from Maven Central into {home} "
            "(Debian/Ubuntu: `apt-get install maven`)."
        )
    with _install_lock(home.parent):
        if (home / _MARKER).exists():
            return home
        started = time.monotonic()
        downloads = home.with_name(home.name + ".downloads")
        partial = home.with_name(home.name + ".partial")
        for path in (downloads, partial):
            shutil.rmtree(path, ignore_errors=True)
        _maven_copy(mvn, _DISTRIBUTION, downloads)
        _maven_copy(mvn, _ANALYSIS, downloads)
        (archive,) = downloads.glob("opensearch-*.zip")
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(partial)
        (unpacked,) = partial.iterdir()  # the zip holds one opensearch-<version>/ folder
        for script in (unpacked / "bin").iterdir():
            script.chmod(0o755)  # zipfile drops the mode bits
        module = unpacked / "modules" / "analysis-common"
        module.mkdir(parents=True)
        shutil.copy2(downloads / f"analysis-common-{OPENSEARCH_VERSION}.jar", module)
        (module / "plugin-descriptor.properties").write_text(_ANALYSIS_DESCRIPTOR)
        shutil.rmtree(home, ignore_errors=True)
        unpacked.replace(home)  # atomic: a crash never leaves a half-filled home marked done
        shutil.rmtree(partial, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)
        (home / _MARKER).write_text(f"{_DISTRIBUTION}\n{_ANALYSIS}\n")
        took = time.monotonic() - started
        print(f"  opensearch fetched {OPENSEARCH_VERSION} in {took:.1f}s", file=sys.stderr)
    return home


if __name__ == "__main__":
    print(ensure_opensearch())
