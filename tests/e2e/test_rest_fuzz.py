"""Schemathesis against the REST shim's own OpenAPI document, on the real services.

Bounded (a few examples per operation, anonymous and as an admin; then the stateful phase
that follows the document's links from lists to retrieves), it checks every operation: no 5xx,
no status the document does not list, no response outside its schema, no undocumented content
type, and input that violates the document refused with a 4xx. The CLI runs it (its pytest
plugin does not load under pytest 9).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from deploy.local.supergraph import Running
from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.kernel.ids import new_id

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    ]
)


def schemathesis(url: str, report: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        url,
        "--checks",
        CHECKS,
        "--max-examples",
        "4",
        "--phases",
        "examples,fuzzing,stateful",
        "--seed",
        "1505",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_no_operation_breaks_its_document(
    supergraph: Running, signer: TestSigner, tmp_path: Path, who: str
) -> None:
    extra = ["--header", f"Authorization: Bearer {signer.token(new_id(), roles=['admin'], ttl=3600)}"]
    ran = schemathesis(
        supergraph.urls["rest"] + "schema/", tmp_path / "junit.xml", *(extra if who == "admin" else [])
    )
    out = ran.stdout + ran.stderr
    # The failures (each with its curl to replay), not the warnings after them.
    start = out.find("FAILURES")
    tail = out[start : start + 8000] if start >= 0 else out[-8000:]
    assert ran.returncode == 0, tail
    assert "operations" in ran.stdout.lower() or "passed" in ran.stdout.lower(), tail
