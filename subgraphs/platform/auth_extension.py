"""Refuse the whole operation when the request carried a token that failed verification.

An anonymous request (no token) runs; a bad token never silently degrades to anonymous.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from subgraphs.platform.context import Context


class RejectInvalidTokens(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context.context
        if isinstance(ctx, Context) and ctx.auth_error is not None:
            self.execution_context.result = ExecutionResult(
                data=None,
                errors=[GraphQLError(ctx.auth_error.message, extensions=ctx.auth_error.as_extensions())],
            )
        yield
