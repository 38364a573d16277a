"""Every event contract as JSON Schema in `schema/events/`, checked the way a schema registry checks.

    python -m subgraphs.contracts.registry            write new and compatible schemas
    python -m subgraphs.contracts.registry --check    exit 1 when a file is stale or a change breaks

One file per event type and version (`product.created.v1.json`): the `data` of its envelope.
A change to a published version must stay readable by every consumer already deployed: fields
may be added when they are optional, but never removed, retyped or made required. A change
that needs that publishes a new version (a new file beside the old one, which stays as history).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
import json
import sys
import types
import typing
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, get_args, get_origin

from subgraphs.contracts import CONTRACT_MODULES
from subgraphs.contracts.dead_letters import DEAD_LETTER_HEADERS, DEAD_LETTER_TOPIC
from subgraphs.platform.kernel.messages import (
    EventContract,
    camel,
    field_types,
    registered_contracts,
    required_fields,
)

EVENTS_DIR = Path(__file__).resolve().parents[2] / "schema" / "events"
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"


def all_contracts() -> dict[str, type[EventContract]]:
    """Every contract declared in `subgraphs.contracts` (not ones a test declares for itself)."""
    for module in CONTRACT_MODULES:
        importlib.import_module(module)
    return {t: c for t, c in registered_contracts().items() if c.__module__ in CONTRACT_MODULES}


def _type_schema(hint: Any) -> dict[str, Any]:
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in get_args(hint) if a is not type(None)]
        return {"anyOf": [_type_schema(inner), {"type": "null"}]}
    if origin in (list, tuple):
        return {"type": "array", "items": _type_schema(get_args(hint)[0])}
    if hint is uuid.UUID:
        return {"type": "string", "format": "uuid"}
    if hint is datetime:
        return {"type": "string", "format": "date-time"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is str:
        return {"type": "string"}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _object_schema(hint)
    raise TypeError(f"no JSON Schema for {hint!r}")


def _object_schema(cls: type) -> dict[str, Any]:
    hints = field_types(cls)
    return {
        "type": "object",
        "properties": {camel(name): _type_schema(hint) for name, hint in hints.items()},
        "required": [camel(name) for name in required_fields(cls)],
        # Readers ignore what they do not know: that is what lets producers add fields.
        "additionalProperties": True,
    }


def json_schema(contract: type[EventContract]) -> dict[str, Any]:
    return {
        "$schema": JSON_SCHEMA,
        "$id": f"urn:marketplace:event:{contract.TYPE}:v{contract.VERSION}",
        "title": contract.__name__,
        "description": inspect.cleandoc(contract.__doc__ or "") if _own_doc(contract) else "",
        "x-event-type": contract.TYPE,
        "x-version": contract.VERSION,
        "x-topic": contract.TOPIC.name,
        "x-aggregate": contract.AGGREGATE,
        **_object_schema(contract),
    }


def _own_doc(contract: type) -> bool:
    # dataclasses write a generated signature into __doc__ when a class has none.
    return bool(contract.__doc__) and not contract.__doc__.startswith(contract.__name__ + "(")  # type: ignore[union-attr]


def file_for(contract: type[EventContract]) -> Path:
    return EVENTS_DIR / f"{contract.TYPE}.v{contract.VERSION}.json"


def incompatibilities(old: dict[str, Any], new: dict[str, Any], path: str = "") -> list[str]:
    """What in `new` a reader of `old` data could not cope with (empty: compatible)."""
    problems: list[str] = []
    old_props: dict[str, Any] = old.get("properties", {})
    new_props: dict[str, Any] = new.get("properties", {})
    for name, old_type in old_props.items():
        where = f"{path}{name}"
        if name not in new_props:
            problems.append(f"`{where}` was removed")
            continue
        problems.extend(_type_changes(old_type, new_props[name], where))
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for name in sorted(new_required - old_required):
        kind = "added as required" if name not in old_props else "made required"
        problems.append(f"`{path}{name}` was {kind}")
    return problems


def _type_changes(old: dict[str, Any], new: dict[str, Any], where: str) -> list[str]:
    if _shape(old) != _shape(new):
        return [f"`{where}` was retyped from {_shape(old)} to {_shape(new)}"]
    old_inner, new_inner = _unwrap(old), _unwrap(new)
    if old_inner.get("type") == "object":
        return incompatibilities(old_inner, new_inner, f"{where}.")
    if old_inner.get("type") == "array":
        return _type_changes(old_inner["items"], new_inner["items"], f"{where}[]")
    return []


def _unwrap(schema: dict[str, Any]) -> dict[str, Any]:
    options = schema.get("anyOf")
    if options:
        return next(o for o in options if o.get("type") != "null")
    return schema


def _shape(schema: dict[str, Any]) -> str:
    """The type of a property as one comparable word (`string/uuid`, `integer?`, `array`…)."""
    inner = _unwrap(schema)
    word = str(inner.get("type"))
    if "format" in inner:
        word += "/" + str(inner["format"])
    return word + ("?" if "anyOf" in schema else "")


def review(
    contracts: dict[str, type[EventContract]], directory: Path = EVENTS_DIR
) -> tuple[list[str], list[str]]:
    """(files to (re)write, problems): what the registry would change, and what it refuses."""
    stale: list[str] = []
    problems: list[str] = []
    declared = {file_for(c).name for c in contracts.values()}
    for contract in contracts.values():
        path = directory / file_for(contract).name
        schema = json_schema(contract)
        if not path.exists():
            stale.append(path.name)
            continue
        committed = json.loads(path.read_text())
        broken = incompatibilities(committed, schema)
        if broken:
            problems.append(
                f"{path.name}: {'; '.join(broken)} — a consumer of v{contract.VERSION} could not read it: "
                f"keep the field (optional if need be) or publish version {contract.VERSION + 1}"
            )
        elif committed != schema:
            stale.append(path.name)
    index = directory / INDEX
    if not index.exists() or index.read_text() != _index_text(contracts):
        stale.append(INDEX)
    known_types = {c.TYPE for c in contracts.values()}
    for path in sorted(directory.glob("*.v*.json")):
        event_type = path.name.rsplit(".v", 1)[0]
        if path.name not in declared and event_type not in known_types:
            problems.append(
                f"{path.name}: the event is no longer declared, but consumers may still expect it"
            )
    return stale, problems


def write(contracts: dict[str, type[EventContract]], names: list[str], directory: Path = EVENTS_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for contract in contracts.values():
        path = directory / file_for(contract).name
        if path.name in names:
            path.write_text(json.dumps(json_schema(contract), indent=2) + "\n")
    (directory / INDEX).write_text(_index_text(contracts))


INDEX = "topics.json"


def _index_text(contracts: dict[str, type[EventContract]]) -> str:
    """Which events each topic carries (for people and tools reading the registry)."""
    index: dict[str, Any] = {}
    for contract in sorted(contracts.values(), key=lambda c: (c.TOPIC.name, c.TYPE)):
        topic = index.setdefault(
            contract.TOPIC.name, {"description": contract.TOPIC.description, "events": {}}
        )
        topic["events"][contract.TYPE] = file_for(contract).name
    index[DEAD_LETTER_TOPIC.name] = {
        "description": DEAD_LETTER_TOPIC.description,
        "carries": "any event above, unchanged",
        "headers": list(DEAD_LETTER_HEADERS),
    }
    return json.dumps(index, indent=2) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    contracts = all_contracts()
    stale, problems = review(contracts)
    for problem in problems:
        print(f"incompatible: {problem}", file=sys.stderr)
    if problems:
        return 1
    if args.check:
        if stale:
            print(f"stale event schemas: {', '.join(stale)} — run `make schema`", file=sys.stderr)
            return 1
        return 0
    write(contracts, stale)
    for name in stale:
        print(f"wrote schema/events/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
