"""Every place a string can enter the schema, found by walking the schema the router serves.

A *slot* is one String or ID position reachable from a root field: an argument, an input
object's field at any depth, a list's element, or an argument of a nested field (reached by
the shortest selection path from a root). For each slot the walker builds an operation that
fills every required argument with a harmless value and puts the value under test at the slot,
so a field added tomorrow is attacked by the same suite without anyone listing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    get_named_type,
)

TEXT_TYPES = {"String", "ID"}
PLACEHOLDERS: dict[str, Any] = {
    "String": "x",
    "ID": "UHJvZHVjdDox",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "DateTime": "2026-01-01T00:00:00Z",
    "Date": "2026-01-01",
    "JSON": {},
    "UUID": "00000000-0000-7000-8000-000000000000",
}
UPLOAD = "Upload"
MAX_INPUT_DEPTH = 5

Path = list[str | int]


@dataclass(frozen=True)
class Slot:
    """One string position: the root field, the path of fields down to the one taking it."""

    root: str  # "query" or "mutation"
    route: tuple[tuple[str, GraphQLField], ...]  # from the root field to the field with the argument
    argument: str
    path: tuple[str | int, ...]  # inside the argument: input fields and list indexes

    @property
    def field_name(self) -> str:
        return self.route[-1][0]

    @property
    def argument_path(self) -> list[str | int]:
        """What the subgraph's input guard names: the field, the argument, the path inside it."""
        return [self.field_name, self.argument, *self.path]

    @property
    def name(self) -> str:
        return ".".join(str(p) for p in [self.root, *(n for n, _ in self.route), self.argument, *self.path])


@dataclass
class Operation:
    document: str
    variables: dict[str, Any]
    uploads: dict[str, list[str]] = field(default_factory=dict)  # variable path -> file names


def _unwrap(t: Any) -> Any:
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    return t


def _input_slots(t: GraphQLInputType, path: Path, seen: frozenset[str]) -> Iterator[Path]:
    if isinstance(t, GraphQLNonNull):
        yield from _input_slots(t.of_type, path, seen)
    elif isinstance(t, GraphQLList):
        yield from _input_slots(t.of_type, [*path, 0], seen)
    elif isinstance(t, GraphQLScalarType) and t.name in TEXT_TYPES:
        yield path
    elif isinstance(t, GraphQLInputObjectType) and t.name not in seen and len(path) < MAX_INPUT_DEPTH:
        for name, f in t.fields.items():
            yield from _input_slots(f.type, [*path, name], seen | {t.name})


def placeholder(
    t: GraphQLInputType, at: Path | None, value: Any, here: Path, uploads: dict[str, list[str]]
) -> Any:
    """A valid value of `t`, holding `value` at path `at` (None: nowhere)."""
    if at is not None and here == at:
        return value
    if isinstance(t, GraphQLNonNull):
        return placeholder(t.of_type, at, value, here, uploads)
    if isinstance(t, GraphQLList):
        return [placeholder(t.of_type, at, value, [*here, 0], uploads)]
    if isinstance(t, GraphQLEnumType):
        return next(iter(t.values))
    if isinstance(t, GraphQLInputObjectType):
        out: dict[str, Any] = {}
        for name, f in t.fields.items():
            wanted = at is not None and at[: len(here) + 1] == [*here, name]
            if wanted or (isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined):
                out[name] = placeholder(f.type, at, value, [*here, name], uploads)
        return out
    if isinstance(t, GraphQLScalarType) and t.name == UPLOAD:
        uploads[".".join(str(p) for p in here)] = ["hello.txt"]
        return None
    if isinstance(t, GraphQLScalarType):
        return PLACEHOLDERS.get(t.name, "x")
    raise TypeError(f"no placeholder for {t}")


def _selection(t: GraphQLNamedType) -> str:
    return (
        " { __typename }"
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
        else ""
    )


def _routes(root: GraphQLObjectType) -> Iterator[tuple[tuple[str, GraphQLField], ...]]:
    """Each field reachable from `root`, by its shortest route (breadth first)."""
    seen: set[tuple[str, str]] = set()
    Route = tuple[tuple[str, GraphQLField], ...]
    frontier: list[tuple[GraphQLObjectType | GraphQLInterfaceType, Route]] = [(root, ())]
    while frontier:
        following: list[tuple[GraphQLObjectType | GraphQLInterfaceType, Route]] = []
        for owner, route in frontier:
            for name, f in owner.fields.items():
                if (owner.name, name) in seen or name.startswith("_"):
                    continue
                seen.add((owner.name, name))
                here = (*route, (name, f))
                yield here
                target = get_named_type(f.type)
                if isinstance(target, GraphQLObjectType | GraphQLInterfaceType) and len(here) < 4:
                    following.append((target, here))
        frontier = following


def string_slots(schema: GraphQLSchema) -> list[Slot]:
    slots = []
    for root_name, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        if root is None:
            continue
        for route in _routes(root):
            _, f = route[-1]
            for arg_name, arg in f.args.items():
                for path in _input_slots(arg.type, [], frozenset()):
                    slots.append(Slot(root_name, route, arg_name, tuple(path)))
    return slots


def _type_ref(t: Any) -> str:
    if isinstance(t, GraphQLNonNull):
        return f"{_type_ref(t.of_type)}!"
    if isinstance(t, GraphQLList):
        return f"[{_type_ref(t.of_type)}]"
    return str(t.name)


def operation(slot: Slot, value: Any) -> Operation:
    """The operation that sends `value` at `slot` (every other required argument filled in)."""
    variables: dict[str, Any] = {}
    declarations: list[str] = []
    uploads: dict[str, list[str]] = {}

    def arguments(depth: int, f: GraphQLField, target: str | None) -> str:
        given = []
        for name, arg in f.args.items():
            required = isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
            if name != target and not required:
                continue
            var = f"v{depth}_{name}"
            files: dict[str, list[str]] = {}
            at = list(slot.path) if name == target else None
            variables[var] = placeholder(arg.type, at, value, [], files)
            uploads.update({f"{var}.{k}" if k else var: names for k, names in files.items()})
            declarations.append(f"${var}: {_type_ref(arg.type)}")
            given.append(f"{name}: ${var}")
        return f"({', '.join(given)})" if given else ""

    last = len(slot.route) - 1
    name, f = slot.route[last]
    body = f"{name}{arguments(last, f, slot.argument)}{_selection(_unwrap(f.type))}"
    for depth in range(last - 1, -1, -1):
        name, f = slot.route[depth]
        body = f"{name}{arguments(depth, f, None)} {{ {body} }}"
    decls = f"({', '.join(declarations)})" if declarations else ""
    return Operation(f"{slot.root} Attack{decls} {{ {body} }}", variables, uploads)
