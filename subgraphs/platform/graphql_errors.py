"""Give every GraphQL error a stable `extensions.code`, and hide internals of unexpected ones."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from subgraphs.platform.errors import INTERNAL_ERROR_CODE, AppError
from subgraphs.platform.logs import request_id_var

logger = logging.getLogger("graphql.errors")


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, AppError):
        return GraphQLError(
            original.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={**(error.extensions or {}), **original.as_extensions()},
        )
    if original is None:
        if error.extensions and "code" in error.extensions:
            return error
        # No original error: graphql-core reported a parse or validation problem.
        code = (
            "GRAPHQL_PARSE_FAILED"
            if error.message.startswith("Syntax Error")
            else "GRAPHQL_VALIDATION_FAILED"
        )
        return GraphQLError(
            error.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": code},
        )
    if isinstance(original, GraphQLError) and original.extensions:
        return error
    logger.error(
        "unexpected error in resolver",
        exc_info=(type(original), original, original.__traceback__),
        extra={"path": error.path},
    )
    return GraphQLError(
        "Internal server error.",
        nodes=error.nodes,
        positions=error.positions,
        path=error.path,
        extensions={"code": INTERNAL_ERROR_CODE, "requestId": request_id_var.get()},
    )


class CodedErrors(SchemaExtension):
    """Runs after each operation: maps AppError to its code and masks everything else."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [_coded(e) for e in errors]

