"""Recommendations, merchandising rules and the recommendation log through Hive Gateway, on the
real subgraphs, Kafka, PostgreSQL, Valkey and OpenSearch: what shoppers view, save and buy
reaches trending, "also bought" and their own recommendations; admins' rules shape search and
recommendations when served; what was shown and clicked is kept and counted per rule."""

from __future__ import annotations

import random
import string
from typing import Any

from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import check_out, fill_cart
from tests.graphql.catalog import CatalogBuilder
from tests.waiting import eventually

VIEW = "mutation($p: ID!) { trackProductView(productId: $p) { accepted userErrors { code field } } }"
RECS = """fragment R on Recommendations { servedId placement items { reason ruleId product { id title } } }
query($p: ID!, $c: ID, $u: ID) {
  forProduct: recommendationsForProduct(productId: $p) { ...R }
  trending(categoryId: $c, first: 20) { ...R }
  mine: recommendationsForUser(userId: $u) { ...R } }"""
TRENDING = "query($c: ID) { trending(categoryId: $c, first: 20) { items { product { id } reason ruleId } } }"
FOR_PRODUCT = (
    "query($p: ID!) { recommendationsForProduct(productId: $p) { items { product { id } reason ruleId } } }"
)
FOR_USER = "query($u: ID) { recommendationsForUser(userId: $u) { servedId items { product { id } reason } } }"
SEARCH = "query($q: String!) { search(query: $q, first: 10) { nodes { id } } }"
CREATE = """mutation($rules: [RecommendationRuleInput!]!) { recommendationRulesBulkCreate(rules: $rules) {
  rules { id version active kind scope } userErrors { field code } } }"""
UPDATE = """mutation($rules: [RecommendationRuleUpdateInput!]!) { recommendationRulesBulkUpdate(rules: $rules) {
  rules { id version enabled } userErrors { field code } } }"""
DELETE = "mutation($id: ID!) { recommendationRuleDelete(id: $id) { deletedId userErrors { code } } }"
RULES = """query($f: RecommendationRuleFilter) { recommendationRules(filter: $f, first: 50) {
  nodes { id name kind stats { shown clicked clickThroughRate } } } }"""
REPORT = """mutation($e: [RecommendationReport!]!) { trackRecommendations(events: $e) { accepted userErrors { code field } } }"""
LOGS = """query($f: RecommendationLogFilter) { recommendationLogs(filter: $f, first: 50) {
  nodes { id reaction placement servedId ruleId product { id title } } } }"""


def word() -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(10))


async def ids_of(
    router: GraphQLClient, query: str, variables: dict[str, Any], path: str, caller: Caller | None = None
) -> list[str]:
    body = await router(query, variables, caller)
    assert "errors" not in body, body
    return [i["product"]["id"] for i in body["data"][path]["items"]]


async def test_views_saves_and_purchases_become_recommendations(
    router: GraphQLClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    tax = await builder.taxonomy()
    name = word().capitalize()
    kettle = await builder.product(seller, tax, title=f"{name} Steel Kettle")
    mug = await builder.product(seller, tax, title=f"{name} Steel Mug")
    lamp = await builder.product(seller, tax, title=f"{name} Desk Lamp")
    ids = {p["id"] for p in (kettle, mug, lamp)}

    async def indexed() -> bool | None:
        body = await router(SEARCH, {"q": name})
        if "data" not in body:  # a fresh stack's index may not exist yet: a coded "try again"
            assert {e["extensions"]["code"] for e in body["errors"]} == {"SEARCH_UNAVAILABLE"}, body
            return None
        return {n["id"] for n in body["data"]["search"]["nodes"]} == ids or None

    await eventually(indexed, within=30, every=0.3)

    # Anonymous views make the lamp trend in its category (and its root: descendants count).
    for _ in range(3):
        body = await router(VIEW, {"p": lamp["id"]})
        assert body["data"]["trackProductView"]["accepted"] == 1

    async def trending() -> list[str] | None:
        found = await ids_of(router, TRENDING, {"c": tax.root_id}, "trending")
        return found if lamp["id"] in found else None

    assert (await eventually(trending, within=30, every=0.3))[0] == lamp["id"]

    # A shopper buys the kettle and the mug together: each is "also bought" with the other.
    buyer: Caller = make_caller("buyer")
    version = await fill_cart(
        router, buyer, [(kettle["variants"][0]["id"], 1), (mug["variants"][0]["id"], 1)]
    )
    assert (await check_out(router, buyer, version))["checkout"]["status"] == "COMPLETED"

    async def also_bought() -> list[dict[str, Any]] | None:
        body = await router(FOR_PRODUCT, {"p": kettle["id"]})
        items = body["data"]["recommendationsForProduct"]["items"]
        top = items[0] if items else {}
        return items if top.get("reason") == "ALSO_BOUGHT" and top["product"]["id"] == mug["id"] else None

    items = await eventually(also_bought, within=30, every=0.3)
    assert kettle["id"] not in [i["product"]["id"] for i in items]  # never itself

    # The buyer's own list is personal now (like what they bought), never what they bought.
    async def personal() -> list[dict[str, Any]] | None:
        body = await router(FOR_USER, {}, buyer)
        found = body["data"]["recommendationsForUser"]["items"]
        return found if any(i["reason"] != "TRENDING" for i in found) else None

    mine = await eventually(personal, within=30, every=0.5)
    assert {kettle["id"], mug["id"]}.isdisjoint({i["product"]["id"] for i in mine})

    # Everything resolves through the router: product fields come from the products subgraph.
    body = await router(RECS, {"p": kettle["id"], "c": tax.root_id}, buyer)
    assert "errors" not in body, body
    assert body["data"]["forProduct"]["items"][0]["product"]["title"] == f"{name} Steel Mug"
    assert body["data"]["mine"]["placement"] == "USER"


async def test_another_shoppers_recommendations_are_not_found_and_anonymous_is_refused(
    router: GraphQLClient, make_caller: Any
) -> None:
    buyer: Caller = make_caller("buyer")
    other: Caller = make_caller("buyer")
    admin: Caller = make_caller("admin")
    body = await router(FOR_USER, {"u": str(other.user_id)}, buyer)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    body = await router(FOR_USER, {"u": str(other.user_id)}, admin)
    assert "errors" not in body, body  # a cold start: trending
    body = await router(FOR_USER, {})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_rules_shape_search_and_recommendations_and_only_admins_manage_them(
    router: GraphQLClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    tax = await builder.taxonomy()
    name = word()
    products = [await builder.product(seller, tax, title=f"{name.capitalize()} Chair {n}") for n in range(4)]
    ids = [p["id"] for p in products]

    async def indexed() -> list[str] | None:
        body = await router(SEARCH, {"q": name})
        found = [n["id"] for n in body["data"]["search"]["nodes"]]
        return found if set(found) == set(ids) else None

    before = await eventually(indexed, within=30, every=0.3)
    last, excluded = before[-1], before[0]
    rules = [
        {
            "name": "pin the last",
            "kind": "PIN",
            "scope": "QUERY",
            "query": f"  {name.upper()} ",
            "productIds": [last],
            "surfaces": ["SEARCH"],
        },
        {
            "name": "hide one",
            "kind": "EXCLUDE",
            "scope": "QUERY",
            "query": name,
            "productIds": [excluded],
            "surfaces": ["SEARCH"],
        },
        {
            "name": "bundle",
            "kind": "BUNDLE",
            "scope": "PRODUCT",
            "targetId": ids[1],
            "productIds": [ids[2]],
            "surfaces": ["RECOMMENDATIONS"],
        },
    ]
    # Not an admin: refused, nothing made.
    assert (await router(CREATE, {"rules": rules}, seller))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await router(CREATE, {"rules": rules}))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # A bad rule anywhere: nothing made, each problem at its field.
    bad = [
        *rules,
        {
            "name": "",
            "kind": "BOOST",
            "scope": "CATEGORY",
            "productIds": [],
            "surfaces": ["SEARCH"],
            "weight": 0,
        },
    ]
    body = await router(CREATE, {"rules": bad}, admin)
    fields = {tuple(e["field"]) for e in body["data"]["recommendationRulesBulkCreate"]["userErrors"]}
    assert {
        ("rules", "3", "name"),
        ("rules", "3", "productIds"),
        ("rules", "3", "targetId"),
        ("rules", "3", "weight"),
    } <= fields
    assert body["data"]["recommendationRulesBulkCreate"]["rules"] == []

    body = await router(CREATE, {"rules": rules}, admin)
    made = body["data"]["recommendationRulesBulkCreate"]
    assert made["userErrors"] == []
    assert all(r["active"] for r in made["rules"])
    pin, hide, bundle = (r["id"] for r in made["rules"])

    async def shaped() -> list[str] | None:
        body = await router(SEARCH, {"q": name})
        found = [n["id"] for n in body["data"]["search"]["nodes"]]
        return found if found and found[0] == last and excluded not in found else None

    assert len(await eventually(shaped, within=10, every=0.3)) == 3
    body = await router(FOR_PRODUCT, {"p": ids[1]})
    first = body["data"]["recommendationsForProduct"]["items"][0]
    assert (first["product"]["id"], first["reason"], first["ruleId"]) == (ids[2], "BUNDLE", bundle)

    # A stale version is refused; disabling the exclusion brings the product back.
    body = await router(UPDATE, {"rules": [{"id": hide, "expectedVersion": 7, "enabled": False}]}, admin)
    assert body["data"]["recommendationRulesBulkUpdate"]["userErrors"][0]["code"] == "CONFLICT"
    body = await router(UPDATE, {"rules": [{"id": hide, "expectedVersion": 1, "enabled": False}]}, admin)
    assert body["data"]["recommendationRulesBulkUpdate"]["rules"][0] == {
        "id": hide,
        "version": 2,
        "enabled": False,
    }

    async def back() -> bool | None:
        body = await router(SEARCH, {"q": name})
        return excluded in [n["id"] for n in body["data"]["search"]["nodes"]] or None

    await eventually(back, within=10, every=0.3)
    listed = await router(RULES, {"f": {"kind": "PIN", "productId": last}}, admin)
    assert [r["id"] for r in listed["data"]["recommendationRules"]["nodes"]] == [pin]
    assert (await router(RULES, {}, seller))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await router(DELETE, {"id": pin}, admin)
    assert body["data"]["recommendationRuleDelete"]["deletedId"] == pin
    body = await router(DELETE, {"id": pin}, admin)
    assert body["data"]["recommendationRuleDelete"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_shown_and_clicked_are_logged_and_counted_per_rule(
    router: GraphQLClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    shopper: Caller = make_caller("buyer")
    builder = CatalogBuilder(router, admin)
    tax = await builder.taxonomy()
    a = await builder.product(seller, tax, title=f"{word().capitalize()} Tent")
    b = await builder.product(seller, tax, title=f"{word().capitalize()} Tent")
    body = await router(
        CREATE,
        {
            "rules": [
                {
                    "name": "bundle",
                    "kind": "BUNDLE",
                    "scope": "PRODUCT",
                    "targetId": a["id"],
                    "productIds": [b["id"]],
                    "surfaces": ["RECOMMENDATIONS"],
                }
            ]
        },
        admin,
    )
    rule = body["data"]["recommendationRulesBulkCreate"]["rules"][0]["id"]

    async def bundled() -> dict[str, Any] | None:
        body = await router(
            "query($p: ID!) { recommendationsForProduct(productId: $p) { servedId placement items { product { id } ruleId } } }",
            {"p": a["id"]},
        )
        served = body["data"]["recommendationsForProduct"]
        return served if served["items"] else None

    served = await eventually(bundled, within=30, every=0.3)
    report = {"productId": b["id"], "servedId": served["servedId"], "placement": "PRODUCT", "ruleId": rule}
    events = [{**report, "reaction": "SHOWN"}] * 4 + [{**report, "reaction": "CLICKED"}]
    body = await router(REPORT, {"e": events}, shopper)
    assert body["data"]["trackRecommendations"] == {"accepted": 5, "userErrors": []}

    async def logged() -> list[dict[str, Any]] | None:
        body = await router(LOGS, {"f": {"ruleId": rule}}, admin)
        nodes = body["data"]["recommendationLogs"]["nodes"]
        return nodes if len(nodes) == 5 else None

    nodes = await eventually(logged, within=30, every=0.3)
    assert {n["reaction"] for n in nodes} == {"SHOWN", "CLICKED"}
    assert nodes[0]["product"]["title"] == b["title"]
    body = await router(RULES, {"f": {"productId": b["id"]}}, admin)
    stats = body["data"]["recommendationRules"]["nodes"][0]["stats"]
    assert stats == {"shown": 4, "clicked": 1, "clickThroughRate": 0.25}
    # Shoppers cannot read the log; too many reports at once are refused with nothing kept.
    assert (await router(LOGS, {}, shopper))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await router(REPORT, {"e": [{**report, "reaction": "SHOWN"}] * 51}, shopper)
    assert body["data"]["trackRecommendations"]["accepted"] == 0
    assert body["data"]["trackRecommendations"]["userErrors"][0]["code"] == "BAD_USER_INPUT"
