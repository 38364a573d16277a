"""Per-operation limits and the parse/validation caches, as a list of schema extensions."""

from __future__ import annotations

from collections.abc import Callable

from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from subgraphs.platform.settings import Settings


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension] | type[SchemaExtension]]:
    """Factories, so each request gets fresh extension objects (the caches are shared)."""
    return [
        # Token limit runs at parse time, before the parse cache, so huge documents never
        # get parsed or cached.
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: ParserCache(maxsize=2048),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_query_aliases),
        lambda: ValidationCache(maxsize=2048),
    ]
