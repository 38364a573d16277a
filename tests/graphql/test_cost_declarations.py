"""Every list in the supergraph says how long it is, so the router's cost estimate is declared, not guessed.

The router (router/cost.ts) charges 1 per object and multiplies by each list's length: a list of
objects without `@listSize` would be costed by the router's default. A connection must be sized
by its slicing arguments, so `first: 100` costs what it asks for.
"""

from __future__ import annotations

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    build_ast_schema,
    get_named_type,
    is_composite_type,
    parse,
)
from graphql.language import DirectiveNode, IntValueNode

from subgraphs.export_schema import SCHEMA_DIR

SCHEMA = build_ast_schema(parse((SCHEMA_DIR / "supergraph.graphql").read_text()), assume_valid_sdl=True)


def _directive(node: object, name: str) -> DirectiveNode | None:
    for directive in getattr(node, "directives", None) or ():
        if isinstance(directive, DirectiveNode) and directive.name.value == name:
            return directive
    return None


def _arguments(directive: DirectiveNode | None) -> dict[str, object]:
    return {a.name.value: a.value for a in (directive.arguments or ())} if directive else {}


def _free(type_name: str) -> bool:
    weight = _arguments(_directive(getattr(SCHEMA.get_type(type_name), "ast_node", None), "cost")).get(
        "weight"
    )
    return isinstance(weight, IntValueNode) and int(weight.value) == 0


def _object_fields() -> list[tuple[str, str, GraphQLField]]:
    found: list[tuple[str, str, GraphQLField]] = []
    for type_name, named in SCHEMA.type_map.items():
        if isinstance(named, GraphQLObjectType) and not type_name.startswith(("__", "join__", "link__")):
            found.extend((type_name, name, f) for name, f in named.fields.items())
    return found


def test_every_list_of_objects_declares_its_size() -> None:
    undeclared = []
    for type_name, name, f in _object_fields():
        t = f.type.of_type if isinstance(f.type, GraphQLNonNull) else f.type
        item = get_named_type(t)
        # A connection's edges and nodes are sized by the field that returns the connection.
        sized_by_parent = type_name.endswith("Connection") and name in {"edges", "nodes"}
        costed = isinstance(t, GraphQLList) and is_composite_type(item) and not _free(item.name)
        if costed and not sized_by_parent and _directive(f.ast_node, "listSize") is None:
            undeclared.append(f"{type_name}.{name}")
    assert undeclared == [], f"add @listSize (subgraphs/platform/graphql/cost.py): {undeclared}"


def test_every_connection_is_sized_by_its_slicing_arguments() -> None:
    unsized = []
    for type_name, name, f in _object_fields():
        if get_named_type(f.type).name.endswith("Connection"):
            given = _arguments(_directive(f.ast_node, "listSize"))
            if not {"slicingArguments", "sizedFields"} <= set(given):
                unsized.append(f"{type_name}.{name}")
    assert unsized == [], f"use PAGINATED (subgraphs/platform/graphql/cost.py): {unsized}"
