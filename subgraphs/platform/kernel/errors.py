"""Error model shared by every subgraph.

    AppError                      every expected failure; carries a stable `code`
    ├── BadUserInput              BAD_USER_INPUT: an argument is malformed or out of range
    │   ├── InvalidCursor         INVALID_CURSOR: malformed, tampered or from another list/sort
    │   └── PageSizeExceeded      PAGE_SIZE_EXCEEDED: `first`/`last` above the cap
    ├── Unauthenticated           UNAUTHENTICATED: no valid token where one is needed
    ├── Forbidden                 FORBIDDEN: authenticated but not allowed
    ├── NotFound                  NOT_FOUND: missing, or not visible to the caller
    ├── Conflict                  CONFLICT: a concurrent change or a version mismatch
    ├── QueryTooComplex           QUERY_TOO_COMPLEX: depth, token, alias or size limits
    └── ServiceUnavailable        SERVICE_UNAVAILABLE: a dependency (PostgreSQL, Valkey, Kafka) is
                                  down; nothing was changed, retry after `retryAfterSeconds`

Query fields raise these and the client sees `errors[].extensions.code`. Mutations turn the
ones that are about the input (`user_error = True`: everything but "who may ask" failures)
into `userErrors` entries instead; UNAUTHENTICATED and FORBIDDEN stay GraphQL errors. Anything
else is a bug: it is logged with the request id and the client gets INTERNAL_SERVER_ERROR
without internals (`subgraphs.platform.graphql.errors`).
"""

from __future__ import annotations

from typing import Any, ClassVar


class AppError(Exception):
    code: ClassVar[str] = "BAD_REQUEST"
    # A problem with what the caller asked (a mutation reports it in `userErrors`), as opposed
    # to whether the caller may ask at all.
    user_error: ClassVar[bool] = True

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
    user_error = False


class Forbidden(AppError):
    code = "FORBIDDEN"
    user_error = False


class NotFound(AppError):
    code = "NOT_FOUND"


class Conflict(AppError):
    code = "CONFLICT"


class QueryTooComplex(AppError):
    code = "QUERY_TOO_COMPLEX"
    user_error = False


class ServiceUnavailable(AppError):
    code = "SERVICE_UNAVAILABLE"
    user_error = False

    def __init__(self, message: str, *, dependency: str, retry_after_seconds: int = 1) -> None:
        super().__init__(message, dependency=dependency, retryAfterSeconds=retry_after_seconds)


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
    "ServiceUnavailable",
    "Unauthenticated",
]
