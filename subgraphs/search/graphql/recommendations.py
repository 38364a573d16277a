"""Recommendations (for a shopper, for a product, trending) and what clients report back
(product views; recommendations shown and clicked)."""

from __future__ import annotations

import enum

import strawberry

from subgraphs.platform.graphql.arguments import id_filter, uuid_arg
from subgraphs.platform.graphql.cost import expected_size
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import UserError
from subgraphs.platform.kernel.errors import BadUserInput, NotFound, PageSizeExceeded
from subgraphs.search.graphql.context import Info
from subgraphs.search.graphql.types import Product
from subgraphs.search.service_layer import recommending as rec
from subgraphs.search.service_layer.tracking import Reaction, Report

Placement = strawberry.enum(rec.Placement, name="RecommendationPlacement")
strawberry.enum(Reaction, name="RecommendationReaction")


@strawberry.enum(description="Why a product is recommended.")
class RecommendationReason(enum.Enum):
    PERSONALIZED = "PERSONALIZED"
    ALSO_BOUGHT = "ALSO_BOUGHT"
    SIMILAR = "SIMILAR"
    TRENDING = "TRENDING"
    PINNED = "PINNED"
    BUNDLE = "BUNDLE"


@strawberry.type(description="One recommended product, with why and the rule that placed it, if any.")
class RecommendedProduct:
    # Null when the product was removed or hidden after the list was computed: the list comes
    # from search's copy, which follows the catalogue within seconds; the router then finds no
    # such product. A non-null field would be a promise the router cannot keep.
    product: Product | None = strawberry.field(
        description="The product; null when it was removed or hidden since the list was computed."
    )
    reason: RecommendationReason
    rule_id: strawberry.ID | None
    score: float


@strawberry.type(description="A list as served; report what was shown and clicked with its servedId.")
class Recommendations:
    served_id: strawberry.ID
    placement: rec.Placement
    items: list[RecommendedProduct] = strawberry.field(directives=[expected_size(10)])

    @classmethod
    def of(cls, served: rec.Served) -> Recommendations:
        return cls(
            served_id=strawberry.ID(str(served.served_id)),
            placement=served.placement,
            items=[
                RecommendedProduct(
                    product=Product(id=strawberry.ID(str(c.product_id))),
                    reason=RecommendationReason(c.reason),
                    rule_id=strawberry.ID(str(c.rule_id)) if c.rule_id else None,
                    score=c.score,
                )
                for c in served.items
            ],
        )


@strawberry.input
class RecommendationReport:
    reaction: Reaction
    product_id: strawberry.ID
    served_id: strawberry.ID
    placement: rec.Placement
    rule_id: strawberry.ID | None = None


@strawberry.type
class TrackPayload:
    accepted: int = strawberry.field(description="How many reports were taken.")
    user_errors: list[UserError]


def _first(first: int) -> int:
    if not 1 <= first <= rec.MAX_RECOMMENDATIONS:
        raise PageSizeExceeded(f"`first` must be between 1 and {rec.MAX_RECOMMENDATIONS}.", field="first")
    return first


@strawberry.type
class RecommendationQueries:
    @strawberry.federation.field(
        authenticated=True,
        description=(
            "Personal recommendations (from views, cart, wishlist and orders; trending until there "
            "is a history). `userId`: yourself when left out; another shopper's for admins only."
        ),
    )
    async def recommendations_for_user(
        self, info: Info, user_id: strawberry.ID | None = None, first: int = 10
    ) -> Recommendations:
        caller = info.context.require_principal()
        wanted = caller.user_id
        if user_id is not None:
            asked = id_filter(user_id, "userId")
            if asked != caller.user_id and not caller.is_admin:
                raise NotFound("No such shopper.", field="userId")
            wanted = asked or caller.user_id
        return Recommendations.of(await info.context.services.recommendations.for_user(wanted, _first(first)))

    @strawberry.field(description="Bought together with this product, then similar products.")
    async def recommendations_for_product(
        self, info: Info, product_id: strawberry.ID, first: int = 10
    ) -> Recommendations:
        product = id_filter(product_id, "productId")
        assert product is not None
        return Recommendations.of(
            await info.context.services.recommendations.for_product(product, _first(first))
        )

    @strawberry.field(description="Most interest in the last 24 hours, overall or in a category (and below).")
    async def trending(
        self, info: Info, category_id: strawberry.ID | None = None, first: int = 10
    ) -> Recommendations:
        category = id_filter(category_id, "categoryId")
        return Recommendations.of(
            await info.context.services.recommendations.trending(category, _first(first))
        )


@strawberry.type
class TrackingMutations:
    @strawberry.mutation(
        description="A shopper opened a product page (feeds trending and, signed in, their recommendations)."
    )
    async def track_product_view(self, info: Info, product_id: strawberry.ID) -> TrackPayload:
        ctx = info.context
        user = ctx.principal.user_id if ctx.principal else None

        async def track() -> int:
            await ctx.services.tracking.viewed(uuid_arg(product_id, "productId"), user)
            return 1

        accepted, errors = await user_errors(track)
        return TrackPayload(accepted=accepted or 0, user_errors=errors)

    @strawberry.mutation(description="Recommendations a shopper was shown or clicked (at most 50 per call).")
    async def track_recommendations(self, info: Info, events: list[RecommendationReport]) -> TrackPayload:
        ctx = info.context
        user = ctx.principal.user_id if ctx.principal else None

        def reports() -> list[Report]:
            parsed = []
            for i, e in enumerate(events[:51]):
                served = id_filter(e.served_id, f"events.{i}.servedId")
                if served is None:
                    raise BadUserInput("`servedId` is required.", field=f"events.{i}.servedId")
                parsed.append(
                    Report(
                        reaction=e.reaction,
                        product_id=uuid_arg(e.product_id, f"events.{i}.productId"),
                        placement=e.placement.value,
                        served_id=served,
                        rule_id=id_filter(e.rule_id, f"events.{i}.ruleId"),
                    )
                )
            return parsed

        accepted, errors = await user_errors(lambda: ctx.services.tracking.reported(reports(), user))
        return TrackPayload(accepted=accepted or 0, user_errors=errors)
