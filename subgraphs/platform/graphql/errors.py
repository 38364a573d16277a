"""Give every GraphQL error a stable `extensions.code`, and hide internals of unexpected ones.

Every error also names the request (`extensions.requestId`, the router's `x-request-id`), so a
client reporting a problem hands support the id to find it in every subgraph's logs.
"""

from __future__ import annotations

import logging

from graphql import GraphQLError

from subgraphs.platform.faults import as_unavailable
from subgraphs.platform.kernel.errors import INTERNAL_ERROR_CODE, AppError
from subgraphs.platform.logs import request_id_var

logger = logging.getLogger("graphql.errors")


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if original is not None and not isinstance(original, AppError | GraphQLError):
        # A dependency that is down is an outage to retry, not a bug to hide.
        unavailable = as_unavailable(original)
        if unavailable is not None:
            logger.warning("dependency unavailable: %s", unavailable.extensions["dependency"])
            original = unavailable
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
    if isinstance(original, GraphQLError):
        # graphql-core wraps variable-coercion failures (a bad enum value, a wrong type).
        return GraphQLError(
            error.message,
            nodes=error.nodes,
            positions=error.positions,
            path=error.path,
            extensions={"code": "BAD_USER_INPUT", **(original.extensions or {})},
        )
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


def _is_limit(error: GraphQLError) -> bool:
    message = error.message.lower()
    if "exceeds maximum operation depth" in message or "aliases found. allowed" in message:
        return True
    return "document contains more than" in message and "tokens" in message


def code_errors(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Applied to every response at the HTTP layer, the one place all errors pass."""
    coded = []
    for error in errors:
        if _is_limit(error):
            error = GraphQLError(
                error.message,
                nodes=error.nodes,
                positions=error.positions,
                extensions={"code": "QUERY_TOO_COMPLEX"},
            )
        else:
            error = _coded(error)
        request_id = request_id_var.get()
        if request_id:
            error.extensions = {**(error.extensions or {}), "requestId": request_id}
        coded.append(error)
    return coded
