"""Per-operation limits and the parse/validation caches, as a list of schema extensions."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from subgraphs.platform.settings import Settings


class _LimitCodes(SchemaExtension):
    """Tags limit violations with QUERY_TOO_COMPLEX so clients can tell them apart."""

    MARKERS = ("exceeds maximum operation depth", "maximum number of aliases", "token limit")

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is None or not errors:
            return
        result.errors = [
            GraphQLError(
                e.message,
                nodes=e.nodes,
                positions=e.positions,
                extensions={"code": "QUERY_TOO_COMPLEX"},
            )
            if any(m in e.message.lower() for m in self.MARKERS)
            else e
            for e in errors
        ]


def limit_extensions(settings: Settings) -> list[SchemaExtension | type[SchemaExtension]]:
    return [
        _LimitCodes,
        # Token limit runs at parse time, before the parse cache, so huge documents never
        # get parsed or cached.
        MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        ParserCache(maxsize=2048),
        QueryDepthLimiter(max_depth=settings.max_query_depth),
        MaxAliasesLimiter(max_alias_count=settings.max_query_aliases),
        ValidationCache(maxsize=2048),
    ]
