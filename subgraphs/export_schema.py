"""Write each subgraph's federation SDL and the subgraph list into `schema/`.

    python -m subgraphs.export_schema            write the files
    python -m subgraphs.export_schema --check    exit 1 when a committed file is stale

The router's `compose.mjs` then composes `schema/supergraph.graphql` from them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from subgraphs.platform.settings import Settings
from subgraphs.registry import SUBGRAPHS

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schema"


def subgraph_sdl(name: str) -> str:
    entry = next(e for e in SUBGRAPHS if e.name == name)
    result = entry.schema(Settings.from_env(name, env={})).execute_sync("{ _service { sdl } }")
    if result.errors or result.data is None:
        raise RuntimeError(f"cannot export {name}: {result.errors}")
    return str(result.data["_service"]["sdl"]).rstrip() + "\n"


def expected_files() -> dict[Path, str]:
    files = {SCHEMA_DIR / f"{e.name}.graphql": subgraph_sdl(e.name) for e in SUBGRAPHS}
    listing = {e.name: {"url": f"http://127.0.0.1:{e.port}/graphql"} for e in SUBGRAPHS}
    files[SCHEMA_DIR / "subgraphs.json"] = json.dumps(listing, indent=2) + "\n"
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = []
    for path, content in expected_files().items():
        if args.check:
            if not path.exists() or path.read_text() != content:
                stale.append(path.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
            print(f"wrote {path.relative_to(SCHEMA_DIR.parent)}")
    if stale:
        print(f"stale schema files: {', '.join(stale)} — run `make schema`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
