"""The committed SDLs and supergraph are exactly what the code produces (`make schema`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from subgraphs.export_schema import SCHEMA_DIR, expected_files


def test_committed_subgraph_sdls_match_the_code() -> None:
    stale = [p.name for p, content in expected_files().items() if not p.exists() or p.read_text() != content]
    assert stale == [], f"run `make schema`: stale {stale}"


def test_the_committed_supergraph_matches_a_fresh_composition() -> None:
    node = shutil.which("node")
    assert node is not None, "node is required to compose the supergraph"
    compose = Path(SCHEMA_DIR.parent, "router", "compose.mjs")
    result = subprocess.run([node, str(compose), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_trusted_documents_manifest_matches_the_client_operations() -> None:
    node = shutil.which("node")
    assert node is not None
    script = Path(SCHEMA_DIR.parent, "router", "trusted-documents.mjs")
    result = subprocess.run([node, str(script), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
