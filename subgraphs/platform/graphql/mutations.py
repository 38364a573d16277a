"""The one place mutation resolvers turn expected failures into `userErrors`.

    product, errors = await user_errors(services.products.create(actor, cmd))
    product, errors = await user_errors(lambda: services.products.create(actor, parse(input)))

Pass a function when building the call's arguments can fail too (parsing ids, say).

A use case reports problems with its input as `InputErrors` (several at once) or as one
`AppError` whose `user_error` is true; both become `userErrors` and the result is None.
"Who may ask" failures (UNAUTHENTICATED, FORBIDDEN) and unexpected errors propagate: they
are GraphQL errors with their code (or masked, for bugs).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar

from subgraphs.platform.graphql.types import UserError, user_errors_from
from subgraphs.platform.kernel.errors import AppError
from subgraphs.platform.kernel.results import InputErrors

T = TypeVar("T")


def expected_errors(exc: InputErrors | AppError) -> list[UserError]:
    return user_errors_from(exc.errors if isinstance(exc, InputErrors) else [exc])


async def user_errors(call: Awaitable[T] | Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    try:
        return await (call if inspect.isawaitable(call) else call()), []
    except InputErrors as exc:
        return None, user_errors_from(exc.errors)
    except AppError as exc:
        if exc.user_error:
            return None, user_errors_from([exc])
        raise
