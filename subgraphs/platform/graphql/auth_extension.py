"""Refuse the whole operation when the request carried a token that failed verification.

An anonymous request (no token) runs; a bad token never silently degrades to anonymous.
The only exceptions are the root fields that exist to get a new token (login, refresh…):
clients routinely still attach their expired access token when calling them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from subgraphs.platform.graphql.context import Context


def _root_fields(document: object, operation_name: str | None) -> set[str]:
    """Every root field the operation runs, through inline and named fragments alike."""
    definitions = getattr(document, "definitions", ())
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    names: set[str] = set()
    seen: set[str] = set()

    def collect(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                collect(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    collect(fragment.selection_set)

    for definition in definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None
            or (definition.name is not None and definition.name.value == operation_name)
        ):
            collect(definition.selection_set)
    return names


class RejectInvalidTokens(SchemaExtension):
    token_free_fields: frozenset[str] = frozenset()

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        ctx = ec.context
        if isinstance(ctx, Context) and ctx.auth_error is not None:
            roots = _root_fields(ec.graphql_document, ec.operation_name)
            if not roots or not roots <= self.token_free_fields:
                ec.result = ExecutionResult(
                    data=None,
                    errors=[GraphQLError(ctx.auth_error.message, extensions=ctx.auth_error.as_extensions())],
                )
        yield


def reject_invalid_tokens(token_free_fields: frozenset[str]) -> Callable[[], SchemaExtension]:
    """The extension, allowing a bad token on operations made only of `token_free_fields`."""

    class _Reject(RejectInvalidTokens):
        pass

    _Reject.token_free_fields = token_free_fields
    return _Reject
