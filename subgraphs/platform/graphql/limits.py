"""Per-operation limits and the parse/validation caches, as a list of schema extensions.

Strawberry's depth and alias limiters create a new validation-rule class per instance, and
the validation cache is keyed on the rule classes: built per request, every request would
miss the cache and re-validate (≈ 9 ms for a storefront listing). So the rules are built
once per schema and every request's extension reuses the same classes.
"""

from __future__ import annotations

from collections.abc import Callable

from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from subgraphs.platform.graphql.input_guard import input_guard
from subgraphs.platform.settings import Settings

CACHE_SIZE = 2048


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension] | type[SchemaExtension]]:
    """Factories, so each request gets fresh extension objects (the caches are shared)."""
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_query_aliases).validation_rules,
    ]
    return [
        # The token limit applies while parsing, so huge documents are never fully parsed.
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        # Hostile strings and oversized `_entities` calls, after validation, before any resolver.
        input_guard(settings),
    ]
