"""Error model shared by every subgraph.

    AppError                      every expected failure; carries a stable `code`
    ├── BadUserInput              BAD_USER_INPUT: an argument is malformed or out of range
    │   ├── InvalidCursor         INVALID_CURSOR: malformed, tampered or from another list/sort
    │   └── PageSizeExceeded      PAGE_SIZE_EXCEEDED: `first`/`last` above the cap
    ├── Unauthenticated           UNAUTHENTICATED: no valid token where one is needed
    ├── Forbidden                 FORBIDDEN: authenticated but not allowed
    ├── NotFound                  NOT_FOUND: missing, or not visible to the caller
    ├── Conflict                  CONFLICT: a concurrent change or a version mismatch
    └── QueryTooComplex           QUERY_TOO_COMPLEX: depth, token, alias or size limits

Query fields raise these and the client sees `errors[].extensions.code`; mutations turn the
expected ones into `userErrors` entries instead. Anything else is a bug: it is logged with the
request id and the client gets INTERNAL_SERVER_ERROR without internals (see `MaskUnexpected`).
"""

from __future__ import annotations

from typing import Any, ClassVar


class AppError(Exception):
    code: ClassVar[str] = "BAD_REQUEST"

    def __init__(self, message: str, *, field: str | None = None, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extensions = extensions

    def as_extensions(self) -> dict[str, Any]:
        ext: dict[str, Any] = {"code": self.code, **self.extensions}
        if self.field is not None:
            ext["field"] = self.field
        return ext


class BadUserInput(AppError):
    code = "BAD_USER_INPUT"


class InvalidCursor(BadUserInput):
    code = "INVALID_CURSOR"


class PageSizeExceeded(BadUserInput):
    code = "PAGE_SIZE_EXCEEDED"


class Unauthenticated(AppError):
    code = "UNAUTHENTICATED"


class Forbidden(AppError):
    code = "FORBIDDEN"


class NotFound(AppError):
    code = "NOT_FOUND"


class Conflict(AppError):
    code = "CONFLICT"


class QueryTooComplex(AppError):
    code = "QUERY_TOO_COMPLEX"


INTERNAL_ERROR_CODE = "INTERNAL_SERVER_ERROR"

__all__ = [
    "INTERNAL_ERROR_CODE",
    "AppError",
    "BadUserInput",
    "Conflict",
    "Forbidden",
    "InvalidCursor",
    "NotFound",
    "PageSizeExceeded",
    "QueryTooComplex",
    "Unauthenticated",
]
