"""Class-data sharing for the Kafka JVM: about one second less per start.

The first broker run records the classes it loaded (-XX:ArchiveClassesAtExit, written when the
JVM exits normally). The next start checks that recording with `-Xshare:on` (which refuses a
truncated or mismatched archive instead of ignoring it) and only then uses it. Anything odd
means "no archive": Kafka starts the ordinary way.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path


def _archive(home: Path, java: str, libs: Path) -> Path:
    # An archive only fits the JVM and the class path that made it.
    key = f"{os.path.realpath(java)}|{libs}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return home / "cds" / f"kafka-server-{digest}.jsa"


def _usable(java: str, archive: Path, classpath: str) -> bool:
    # A truncated archive (JVM killed while writing it) makes Java 17 die of SIGBUS at start,
    # so prove it maps, with checksums, before a real broker relies on it.
    argv = [
        java,
        "-Xshare:on",
        "-XX:+VerifySharedSpaces",
        f"-XX:SharedArchiveFile={archive}",
        f"-XX:ErrorFile={archive.parent}/hs_err_%p.log",
        "-cp",
        classpath,
        "-version",
    ]
    try:
        result = subprocess.run(  # noqa: S603 - fixed argv
            argv, cwd=archive.parent, capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    for report in archive.parent.glob("hs_err_*.log"):
        report.unlink(missing_ok=True)
    return result.returncode == 0


def cds_flags(home: Path, java: str, libs: Path, classpath: str) -> list[str]:
    """JVM flags that use the archive, or that record it during this run."""
    archive = _archive(home, java, libs)
    if archive.exists():
        return [f"-XX:SharedArchiveFile={archive}", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    archive.parent.mkdir(parents=True, exist_ok=True)
    # Recordings of earlier runs, newest first; each JVM writes its own so two never collide.
    for candidate in sorted(
        archive.parent.glob(f"{archive.name}.*.tmp"), key=lambda p: p.stat().st_mtime, reverse=True
    ):
        if _usable(java, candidate, classpath):
            candidate.replace(archive)
            break
        candidate.unlink(missing_ok=True)
    for leftover in archive.parent.glob(f"{archive.name}.*.tmp"):
        leftover.unlink(missing_ok=True)
    if archive.exists():
        return [f"-XX:SharedArchiveFile={archive}", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    recording = archive.with_name(f"{archive.name}.{os.getpid()}.tmp")
    # VerifySharedSpaces here stores the checksums that _usable checks next time.
    return [
        f"-XX:ArchiveClassesAtExit={recording}",
        "-XX:+VerifySharedSpaces",
        "-Xlog:cds=off",
        "-Xlog:cds+dynamic=off",
    ]
