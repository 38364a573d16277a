"""Refuse hostile input once, at the subgraph's boundary, before any resolver sees it.

Every string that reaches a resolver, whether written in the document or sent as a variable,
at any depth of an input object or list, must be text PostgreSQL and every other store can
hold: no NUL character (PostgreSQL refuses 0x00 in text), no lone surrogate (not encodable as
UTF-8) and at most `max_string_length` characters. The first offender refuses the whole
operation with BAD_USER_INPUT naming the field and the argument path, so no resolver of this
or any later subgraph has to think about it.

The `_entities` field the router calls is bounded here too: a direct call with thousands of
representations would make one request fan out into thousands of loads.

The walk reads each argument once, in document order, without expanding fragments: its cost is
linear in the size of the document plus the variables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

from subgraphs.platform.settings import Settings

ENTITIES_FIELD = "_entities"


class HostileInput(Exception):
    def __init__(self, message: str, code: str, where: Sequence[str | int], node: Node | None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.where = list(where)
        self.node = node

    def as_graphql_error(self) -> GraphQLError:
        return GraphQLError(
            self.message,
            nodes=[self.node] if self.node is not None else None,
            extensions={"code": self.code, "argumentPath": self.where},
        )


def text_problem(value: str, max_length: int) -> str | None:
    """Why `value` may not be stored as text, or None."""
    if len(value) > max_length:
        return f"is longer than {max_length} characters ({len(value)})"
    if "\x00" in value:
        return "contains a NUL character"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "is not valid Unicode text (it holds a lone surrogate)"
    return None


class _Walk:
    def __init__(self, variables: Mapping[str, Any], max_length: int) -> None:
        self.variables = variables
        self.max_length = max_length

    def text(self, value: str, where: list[str | int], node: Node) -> None:
        problem = text_problem(value, self.max_length)
        if problem is not None:
            raise HostileInput(f"`{_dotted(where)}` {problem}.", "BAD_USER_INPUT", where, node)

    def runtime(self, value: object, where: list[str | int], node: Node) -> None:
        if isinstance(value, str):
            self.text(value, where, node)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str):
                    self.text(key, where, node)
                self.runtime(item, [*where, str(key)], node)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.runtime(item, [*where, index], node)

    def literal(self, value: ValueNode, where: list[str | int]) -> None:
        if isinstance(value, StringValueNode):
            self.text(value.value, where, value)
        elif isinstance(value, VariableNode):
            self.runtime(self.variables.get(value.name.value), where, value)
        elif isinstance(value, ListValueNode):
            for index, item in enumerate(value.values):
                self.literal(item, [*where, index])
        elif isinstance(value, ObjectValueNode):
            for field in value.fields:
                self.literal(field.value, [*where, field.name.value])

    def arguments(self, owner: str, arguments: Sequence[ArgumentNode]) -> None:
        for argument in arguments:
            self.literal(argument.value, [owner, argument.name.value])

    def directives(self, directives: Sequence[DirectiveNode]) -> None:
        for directive in directives:
            self.arguments(f"@{directive.name.value}", directive.arguments or ())

    def selections(self, selection_set: SelectionSetNode | None) -> None:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            self.directives(selection.directives or ())
            if isinstance(selection, FieldNode):
                self.arguments(selection.name.value, selection.arguments or ())
            self.selections(getattr(selection, "selection_set", None))


def _dotted(where: Sequence[str | int]) -> str:
    return ".".join(str(part) for part in where)


def _representations(document: DocumentNode, variables: Mapping[str, Any]) -> tuple[int, Node] | None:
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        for selection in definition.selection_set.selections:
            if not isinstance(selection, FieldNode) or selection.name.value != ENTITIES_FIELD:
                continue
            for argument in selection.arguments or ():
                value = argument.value
                if isinstance(value, ListValueNode):
                    return len(value.values), value
                if isinstance(value, VariableNode):
                    given = variables.get(value.name.value)
                    return (len(given) if isinstance(given, list) else 0), value
    return None


def check_input(
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    *,
    max_string_length: int,
    max_entity_representations: int,
) -> None:
    """Raise HostileInput for the first argument a resolver must not see."""
    variables = variables or {}
    walk = _Walk(variables, max_string_length)
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for variable in definition.variable_definitions or ():
                if variable.default_value is not None:
                    walk.literal(variable.default_value, [f"${variable.variable.name.value}"])
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            walk.directives(definition.directives or ())
            walk.selections(definition.selection_set)
    found = _representations(document, variables)
    if found is not None and found[0] > max_entity_representations:
        count, node = found
        raise HostileInput(
            f"At most {max_entity_representations} entity representations per request; got {count}.",
            "QUERY_TOO_COMPLEX",
            [ENTITIES_FIELD, "representations"],
            node,
        )


class InputGuard(SchemaExtension):
    max_string_length: ClassVar[int] = 10_000
    max_entity_representations: ClassVar[int] = 500

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        document = ec.graphql_document
        if ec.result is None and document is not None:
            try:
                check_input(
                    document,
                    ec.variables,
                    max_string_length=self.max_string_length,
                    max_entity_representations=self.max_entity_representations,
                )
            except HostileInput as refused:
                ec.result = ExecutionResult(data=None, errors=[refused.as_graphql_error()])
        yield


def input_guard(settings: Settings) -> Callable[[], SchemaExtension]:
    """The extension with this process's limits."""

    class _Guard(InputGuard):
        pass

    _Guard.max_string_length = settings.max_string_length
    _Guard.max_entity_representations = settings.max_entity_representations
    return _Guard
