"""Refuse the whole operation when the request carried a token that failed verification.

An anonymous request (no token) runs; a bad token never silently degrades to anonymous.
The only exceptions are the root fields that exist to get a new token (login, refresh…):
clients routinely still attach their expired access token when calling them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import ExecutionResult, FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from subgraphs.platform.graphql.context import Context


def _root_fields(document: object, operation_name: str | None) -> set[str]:
    names: set[str] = set()
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None
            or (definition.name is not None and definition.name.value == operation_name)
        ):
            names.update(
                s.name.value for s in definition.selection_set.selections if isinstance(s, FieldNode)
            )
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
