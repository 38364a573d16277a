"""Discovery events, published by the search subgraph.

    search.behaviour.v1           product.viewed                                   key: product id
    search.recommendation-log.v1  recommendation.shown | recommendation.clicked    key: product id
    search.rules.v1               merchandising.rule_changed                       key: rule id

Views feed trending and personal recommendations (with the cart, wishlist and order events);
the recommendation log is what shoppers were shown and clicked, persisted in batches.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from subgraphs.platform.kernel.messages import EventContract, Topic

BEHAVIOUR_TOPIC = Topic("search.behaviour.v1", "What shoppers look at, keyed by product id.")
RECOMMENDATION_LOG_TOPIC = Topic(
    "search.recommendation-log.v1", "Recommendations shown and clicked, keyed by product id."
)
RULES_TOPIC = Topic("search.rules.v1", "Merchandising rule changes, keyed by rule id.")


@dataclass(frozen=True, kw_only=True)
class ProductViewed(
    EventContract, event_type="product.viewed", topic=BEHAVIOUR_TOPIC, aggregate="product", key="product_id"
):
    product_id: uuid.UUID
    user_id: uuid.UUID | None  # None: an anonymous shopper (counts for trending only)
    at: datetime


@dataclass(frozen=True, kw_only=True)
class RecommendationLogged(
    EventContract, topic=RECOMMENDATION_LOG_TOPIC, aggregate="product", key="product_id"
):
    log_id: uuid.UUID
    product_id: uuid.UUID
    user_id: uuid.UUID | None
    placement: str  # USER | PRODUCT | TRENDING
    served_id: uuid.UUID  # the recommendation list it was part of
    rule_id: uuid.UUID | None  # the merchandising rule that placed it, if one did
    at: datetime


@dataclass(frozen=True, kw_only=True)
class RecommendationShown(RecommendationLogged, event_type="recommendation.shown"):
    pass


@dataclass(frozen=True, kw_only=True)
class RecommendationClicked(RecommendationLogged, event_type="recommendation.clicked"):
    pass


@dataclass(frozen=True, kw_only=True)
class RuleChanged(
    EventContract, event_type="merchandising.rule_changed", topic=RULES_TOPIC, aggregate="rule", key="rule_id"
):
    rule_id: uuid.UUID
    change: str  # CREATED | UPDATED | DELETED
    admin_id: uuid.UUID
    version: int
