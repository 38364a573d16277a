"""The short execution paths answer exactly what graphql-core's ordinary path answers (data,
errors, their paths), take the short path for plain data, and never for a field with a
resolver or a permission, nor for a document whose directives depend on variables."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry
from strawberry.permission import BasePermission
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from subgraphs.platform.graphql.fast_execution import FastExecutionContext


@strawberry.enum
class Colour(enum.Enum):
    RED = "RED"
    BLUE = "BLUE"


class Deny(BasePermission):
    message = "Not for you."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Money:
    amount: int
    currency: str


@strawberry.type
class Option:
    name: str
    value: str | None


@strawberry.type
class Variant:
    id: strawberry.ID
    price: Money
    options: list[Option]
    colour: Colour
    created_at: datetime
    secret: str | None = strawberry.field(permission_classes=[Deny], default="s3cret")
    required: str = ""  # a non-null field the tests set to None on purpose

    @strawberry.field
    def label(self) -> str:
        return f"{self.id}:{self.colour.value}"


@strawberry.type
class Query:
    @strawberry.field
    def variants(self, count: int = 3, broken: str = "") -> list[Variant]:
        out = []
        for i in range(count):
            price = Money(amount=2**40 if broken == "int" and i == 1 else 100 + i, currency="USD")
            v = Variant(
                id=strawberry.ID(f"v{i}"),
                price=price,
                options=[Option(name="size", value="XL"), Option(name="fit", value=None)],
                colour=Colour.RED if i % 2 else Colour.BLUE,
                created_at=datetime(2026, 12, 2, 12, i, tzinfo=UTC),
            )
            if broken == "null" and i == 2:
                v.required = None  # type: ignore[assignment]
            out.append(v)
        return out


class Counting(FastExecutionContext):
    infos = 0

    def build_resolve_info(self, *args: Any) -> Any:
        type(self).infos += 1
        return super().build_resolve_info(*args)


class OrdinaryCounting(StrawberryGraphQLCoreExecutionContext):
    infos = 0

    def build_resolve_info(self, *args: Any) -> Any:
        type(self).infos += 1
        return super().build_resolve_info(*args)


fast = strawberry.Schema(query=Query, execution_context_class=Counting)
ordinary = strawberry.Schema(query=Query, execution_context_class=OrdinaryCounting)

PLAIN = """query { variants(count: 20) {
  __typename id colour createdAt
  price { amount currency __typename }
  cost: price { a: amount }
  options { name value }
  ...More
} }
fragment More on Variant { price { currency } options { ... on Option { name } } }"""


def _both(query: str, variables: dict[str, Any] | None = None) -> tuple[Any, Any]:
    Counting.infos = OrdinaryCounting.infos = 0
    a = fast.execute_sync(query, variable_values=variables)
    b = ordinary.execute_sync(query, variable_values=variables)
    return a, b


def _same(a: Any, b: Any) -> None:
    assert a.data == b.data
    assert [(e.message, e.path, e.locations) for e in a.errors or []] == [
        (e.message, e.path, e.locations) for e in b.errors or []
    ]


def test_plain_data_is_answered_alike_and_takes_the_short_path() -> None:
    a, b = _both(PLAIN)
    _same(a, b)
    assert a.errors is None
    assert a.data["variants"][0]["cost"] == {"a": 100}
    # Ordinary: an info per field (20 variants x 15 fields and more); short: the root field only.
    assert OrdinaryCounting.infos > 300
    assert Counting.infos <= 2


@pytest.mark.parametrize("broken", ["null", "int"])
def test_a_value_the_type_refuses_gets_the_ordinary_error_at_its_path(broken: str) -> None:
    query = "query($b: String!) { variants(broken: $b) { id required price { amount } } }"
    a, b = _both(query, {"b": broken})
    _same(a, b)
    assert a.errors  # the non-null violation / the 2**40 Int, with graphql-core's message


def test_a_permission_or_a_resolver_runs_as_always() -> None:
    a, b = _both("{ variants { id secret label price { amount } } }")
    _same(a, b)
    assert a.errors
    assert {e.message for e in a.errors} == {"Not for you."}
    assert Counting.infos >= 3 * 2  # secret and label on each variant went the ordinary way


@pytest.mark.parametrize("show", [True, False])
def test_directives_that_depend_on_variables_keep_the_ordinary_path(show: bool) -> None:
    query = "query($s: Boolean!) { variants { id price @include(if: $s) { amount } options { name @skip(if: $s) } } }"
    a, b = _both(query, {"s": show})
    _same(a, b)
    assert ("price" in a.data["variants"][0]) is show
    assert Counting.infos == OrdinaryCounting.infos  # nothing took a short path
