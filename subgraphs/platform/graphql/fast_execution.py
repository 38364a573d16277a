"""Execution with short paths for plain data: most fields of any response.

graphql-core executes every field the same way: it builds a `GraphQLResolveInfo`, reads the
arguments, calls the resolver, checks for an awaitable, then completes the value through the
type's wrappers and, for an object, collects and executes its sub-fields one by one (≈ 20 µs a
field on this machine). A *plain* field is one Strawberry resolves by attribute (no resolver,
no extension, no permission class: its resolver is marked `_is_default`) without arguments.
For those, this context does only what the result needs:

* a plain field returning a scalar or an enum is read and serialized (`execute_field`);
* an object whose selected fields are all plain, down to its leaves (a `Money`, a variant's
  options, a whole `ProductVariant` under a listing), is completed by a plan built once per
  selection (`complete_object_value`): a loop over (response key, attribute, serializer).

Anything unusual — a None for a non-null field, a value a scalar refuses, an exception, an
object type with an `is_type_of` check — is handed back to the ordinary path, which produces
graphql-core's own error with its path and locations. Fields with a resolver, arguments or a
permission extension never take a short path, nor does a document with directives (`@skip`,
`@include`, `@defer`: their outcome depends on variables), nor any field while a schema
extension wraps resolvers. Authorization therefore runs exactly as it always did.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    Node,
    is_leaf_type,
)
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

Read = Callable[[Any, None], Any]
Serialize = Callable[[Any], Any]
PLAN_CACHE_SIZE = 4096


class _Fallback(Exception):
    """This value needs the ordinary path (it raises graphql-core's own error there)."""


@dataclass(frozen=True, slots=True)
class _Field:
    key: str
    read: Read | None  # None: `__typename`, whose value is `serialize`
    non_null: bool
    is_list: bool
    item_non_null: bool
    serialize: Serialize | None  # leaves
    plan: _ObjectPlan | None  # objects
    constant: str | None = None


@dataclass(frozen=True, slots=True)
class _ObjectPlan:
    fields: tuple[_Field, ...]
    nodes: tuple[Node, ...]  # kept alive: the cache is keyed by their ids


def _value(field: _Field, value: Any) -> Any:
    if field.serialize is not None:
        coerced = field.serialize(value)
        if coerced is None or coerced is Undefined:
            raise _Fallback
        return coerced
    assert field.plan is not None
    return _complete(field.plan, value)


def _complete(plan: _ObjectPlan, source: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in plan.fields:
        if field.read is None:
            out[field.key] = field.constant
            continue
        value = field.read(source, None)
        if value is None:
            if field.non_null:
                raise _Fallback
            out[field.key] = None
        elif field.is_list:
            if not isinstance(value, list | tuple):
                raise _Fallback
            items: list[Any] = []
            for item in value:
                if item is None:
                    if field.item_non_null:
                        raise _Fallback
                    items.append(None)
                else:
                    items.append(_value(field, item))
            out[field.key] = items
        else:
            out[field.key] = _value(field, value)
    return out


def _plain_read(field_def: GraphQLField | None) -> Read | None:
    """The field's read when it is resolved by attribute (no resolver, no extension, no
    permission, no arguments); None otherwise."""
    if field_def is None or field_def.args or not getattr(field_def.resolve, "_is_default", False):
        return None
    return cast(Read, field_def.resolve)


def _without_non_null(kind: Any) -> tuple[Any, bool]:
    return (kind.of_type, True) if isinstance(kind, GraphQLNonNull) else (kind, False)


def _leaf_plan(parent_type: GraphQLObjectType, name: str) -> tuple[Read, Serialize, bool] | None:
    field = parent_type.fields.get(name)
    read = _plain_read(field)
    if field is None or read is None:
        return None
    kind, non_null = _without_non_null(field.type)
    if not is_leaf_type(kind):
        return None
    return read, kind.coerce_output_value, non_null


def _has_directives(node: Any, fragments: dict[str, Any], seen: set[str]) -> bool:
    """Whether any selection under `node` (fragments followed) carries a directive."""
    if getattr(node, "directives", None):
        return True
    selection_set = getattr(node, "selection_set", None)
    for selection in selection_set.selections if selection_set else ():
        if selection.kind == "fragment_spread":
            if selection.directives:
                return True
            name = selection.name.value
            if name not in seen:
                seen.add(name)
                if _has_directives(fragments.get(name), fragments, seen):
                    return True
        elif _has_directives(selection, fragments, seen):
            return True
    return False


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    # Process-wide caches. Leaf plans: per (object type, field name); types live as long as
    # their schema. Object plans: per (object type, ids of the field nodes), LRU-bounded; the
    # nodes come from the parser cache, so one document's plans serve every request.
    _leaves: dict[tuple[GraphQLObjectType, str], tuple[Read, Serialize, bool] | None] = {}
    _objects: collections.OrderedDict[tuple[Any, ...], _ObjectPlan | None] = collections.OrderedDict()
    _plain_documents: collections.OrderedDict[int, tuple[Node, bool]] = collections.OrderedDict()

    def _short_paths_allowed(self) -> bool:
        allowed: bool | None = self.__dict__.get("_allowed")
        if allowed is None:
            allowed = self.__dict__["_allowed"] = self._plain_execution()
        return allowed

    def _plain_execution(self) -> bool:
        middleware = self.middleware_manager  # Strawberry always passes one, often empty
        if middleware is not None and middleware.middlewares:
            return False
        operation = self.operation
        known = self._plain_documents.get(id(operation))
        if known is None or known[0] is not operation:
            plain = not _has_directives(operation, self.fragments, set()) and not any(
                _has_directives(f, self.fragments, set()) for f in self.fragments.values()
            )
            known = self._plain_documents[id(operation)] = (operation, plain)
            if len(self._plain_documents) > PLAN_CACHE_SIZE:
                self._plain_documents.popitem(last=False)
        return known[1]

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        if not node.arguments and self._short_paths_allowed():
            key = (parent_type, node.name.value)
            if key in self._leaves:
                plan = self._leaves[key]
            else:
                plan = self._leaves[key] = _leaf_plan(parent_type, node.name.value)
            if plan is not None:
                read, serialize, non_null = plan
                try:
                    value = read(source, None)
                    if value is None and not non_null:
                        return None
                    if value is not None and not isinstance(value, Exception):
                        coerced = serialize(value)
                        if coerced is not None and coerced is not Undefined:
                            return coerced
                except Exception:  # noqa: S110 — the ordinary path below raises it where it belongs
                    pass
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if return_type.is_type_of is None and self._short_paths_allowed():
            plan = self._object_plan(return_type, field_details_list)
            if plan is not None:
                try:
                    return _complete(plan, result)
                except Exception:  # noqa: S110 — _Fallback, or an error the ordinary path reports
                    pass
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _object_plan(self, object_type: GraphQLObjectType, field_details_list: Any) -> _ObjectPlan | None:
        nodes = tuple(d.node for d in field_details_list)
        key = (object_type, *map(id, nodes))
        if key in self._objects:
            self._objects.move_to_end(key)
            cached = self._objects[key]
            if cached is None or all(a is b for a, b in zip(cached.nodes, nodes, strict=True)):
                return cached
        plan = self._build_plan(object_type, field_details_list, nodes)
        self._objects[key] = plan
        if len(self._objects) > PLAN_CACHE_SIZE:
            self._objects.popitem(last=False)
        return plan

    def _build_plan(
        self, object_type: GraphQLObjectType, field_details_list: Any, nodes: tuple[Node, ...]
    ) -> _ObjectPlan | None:
        if any(d.defer_usage is not None or d.fragment_variable_values for d in field_details_list):
            return None
        grouped, defers, _ = self.collect_subfields(object_type, field_details_list)
        if defers:
            return None
        fields: list[_Field] = []
        for key, details in grouped.items():
            node = details[0].node
            name = node.name.value
            if name == "__typename":
                fields.append(_Field(key, None, True, False, False, None, None, object_type.name))
                continue
            field_def = object_type.fields.get(name)
            read = None if node.arguments else _plain_read(field_def)
            if field_def is None or read is None:
                return None
            built = self._field_plan(key, read, field_def.type, details)
            if built is None:
                return None
            fields.append(built)
        return _ObjectPlan(tuple(fields), nodes)

    def _field_plan(self, key: str, read: Read, kind: Any, details: Any) -> _Field | None:
        kind, non_null = _without_non_null(kind)
        is_list, item_non_null = isinstance(kind, GraphQLList), False
        if is_list:
            kind, item_non_null = _without_non_null(kind.of_type)
            if isinstance(kind, GraphQLList):
                return None  # lists of lists take the ordinary path
        if is_leaf_type(kind):
            return _Field(key, read, non_null, is_list, item_non_null, kind.coerce_output_value, None)
        if isinstance(kind, GraphQLObjectType) and kind.is_type_of is None:
            plan = self._object_plan(kind, details)
            if plan is not None:
                return _Field(key, read, non_null, is_list, item_non_null, None, plan)
        return None
