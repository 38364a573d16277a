"""The search subgraph's codes, on the kernel's error tree."""

from __future__ import annotations

from subgraphs.platform.kernel.errors import BadUserInput, InvalidCursor, ServiceUnavailable


class QueryEmpty(BadUserInput):
    code = "QUERY_EMPTY"


class QueryTooLong(BadUserInput):
    code = "QUERY_TOO_LONG"


class InvalidFilter(BadUserInput):
    code = "INVALID_FILTER"


class PageLimitReached(BadUserInput):
    code = "PAGE_LIMIT_REACHED"


class CursorExpired(InvalidCursor):
    code = "CURSOR_EXPIRED"


class SearchUnavailable(ServiceUnavailable):
    code = "SEARCH_UNAVAILABLE"

    def __init__(
        self, message: str = "Search is unavailable; try again shortly.", *, dependency: str = "opensearch"
    ) -> None:
        super().__init__(message, dependency=dependency, retry_after_seconds=2)
