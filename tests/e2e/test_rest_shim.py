"""The REST shim on the real services: every spec row's REST route against its GraphQL
operation through the router, DRF's conventions, sign-in by cookie, and who sees what.

The shim runs in the e2e supergraph (`deploy/local/supergraph.py` starts it beside the router).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from deploy.local.supergraph import Running
from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.kernel.ids import new_id
from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import check_out, fill_cart
from tests.e2e.rest_helpers import graphql, headers, operation_ids, snake
from tests.graphql.catalog import CatalogBuilder, unique
from tests.graphql.kyc_helpers import PDF, PNG
from tests.waiting import eventually


@dataclass
class World:
    admin: Caller
    seller: Caller
    other_seller: Caller
    buyer: Caller
    other_buyer: Caller
    products: list[dict[str, Any]]
    order_id: str
    cart_item_id: str
    category_id: str


@pytest.fixture(scope="module")
async def rest(supergraph: Running) -> AsyncIterator[httpx.AsyncClient]:
    base = supergraph.urls["rest"].removesuffix("/api/")
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
async def world(router: GraphQLClient, signer: TestSigner) -> World:
    def caller(*roles: str) -> Caller:
        user = new_id()
        return Caller(user, signer.token(user, roles=list(roles) or None))

    admin, seller, other_seller = caller("admin"), caller("seller"), caller("seller")
    buyer, other_buyer = caller(), caller()
    builder = CatalogBuilder(router, admin)
    tax = await builder.taxonomy()
    products = [await builder.product(seller, tax, title=unique("Rest Lamp")) for _ in range(3)]
    variant = products[0]["variants"][0]["id"]
    version = await fill_cart(router, buyer, [(variant, 1)])
    placed = await check_out(router, buyer, version)
    assert placed["userErrors"] == [], placed
    order_id = placed["checkout"]["orders"][0]["id"]
    await fill_cart(router, buyer, [(variant, 1)])
    cart = await router("{ cart { items { id } } }", {}, buyer)
    return World(
        admin,
        seller,
        other_seller,
        buyer,
        other_buyer,
        products,
        order_id,
        cart["data"]["cart"]["items"][0]["id"],
        tax.leaf_id,
    )


# Every row of the spec's tables (list and retrieve endpoints), with who asks. Retrieve rows
# take the first id their list answers, or one the world made.
ROWS: list[tuple[str, str | None, str | None, str]] = [
    ("UserViewSet", "/api/users/", "/api/users/{id}/", "admin"),
    ("DeviceViewSet", "/api/devices/", "/api/devices/{id}/", "buyer"),
    ("SessionViewSet", "/api/sessions/", "/api/sessions/{id}/", "buyer"),
    ("RoleViewSet", "/api/roles/", "/api/roles/{id}/", "admin"),
    ("PermissionViewSet", "/api/permissions/", "/api/permissions/{id}/", "admin"),
    ("UserRoleViewSet", "/api/user-roles/", "/api/user-roles/{id}/", "admin"),
    ("OrderPermissionViewSet", "/api/order-permissions/", "/api/order-permissions/{id}/", "admin"),
    ("ReturnPermissionViewSet", "/api/return-permissions/", "/api/return-permissions/{id}/", "buyer"),
    ("ShipmentPermissionViewSet", "/api/shipment-permissions/", "/api/shipment-permissions/{id}/", "buyer"),
    ("AdminOverrideViewSet", "/api/admin-overrides/", "/api/admin-overrides/{id}/", "admin"),
    ("ProductsViewSet", "/api/products/", "/api/products/{id}/", "anonymous"),
    ("CategoryViewSet", "/api/categories/", "/api/categories/{id}/", "anonymous"),
    ("BrandViewSet", "/api/brands/", "/api/brands/{id}/", "anonymous"),
    ("ProductVariantViewSet", "/api/variants/", "/api/variants/{id}/", "anonymous"),
    ("ProductAttributeViewSet", "/api/attributes/", "/api/attributes/{id}/", "anonymous"),
    ("InventoryViewSet", "/api/inventory/", "/api/inventory/{id}/", "seller"),
    ("CartItemViewSet", "/api/cart-items/", "/api/cart-items/{id}/", "buyer"),
    ("WishlistViewSet", "/api/wishlists/", "/api/wishlists/{id}/", "buyer"),
    ("WishlistItemViewSet", "/api/wishlist-items/", "/api/wishlist-items/{id}/", "buyer"),
    ("RecommendationRuleViewSet", "/api/rules/", "/api/rules/{id}/", "admin"),
    ("RecommendationLogViewSet", "/api/logs/", "/api/logs/{id}/", "admin"),
    ("OrderViewSet", "/api/orders/", "/api/orders/{id}/", "buyer"),
    ("OrderItemViewSet", "/api/order-items/", "/api/order-items/{id}/", "buyer"),
    ("ShipmentViewSet", "/api/shipments/", "/api/shipments/{id}/", "buyer"),
    ("ReturnViewSet", "/api/returns/", "/api/returns/{id}/", "buyer"),
]


def who(world: World, role: str) -> Caller | None:
    return {"admin": world.admin, "seller": world.seller, "buyer": world.buyer, "anonymous": None}[role]


@pytest.mark.parametrize(("viewset", "list_path", "item_path", "role"), ROWS, ids=[r[0] for r in ROWS])
async def test_each_spec_row_answers_what_its_graphql_operation_answers(
    rest: httpx.AsyncClient,
    router_http: httpx.AsyncClient,
    world: World,
    viewset: str,
    list_path: str | None,
    item_path: str | None,
    role: str,
) -> None:
    caller = who(world, role)
    ops = operation_ids()
    first_id = None
    if list_path is not None:
        response = await rest.get(list_path, params={"page_size": 5}, headers=headers(caller))
        assert response.status_code == 200, (viewset, response.text)
        page = response.json()
        assert set(page) >= {"next", "previous", "results"}
        expected = await graphql(router_http, ops[("GET", list_path)], {"first": 5}, caller)
        assert "errors" not in expected, expected
        field = next(iter(expected["data"]))
        assert page["results"] == snake(expected["data"][field]["nodes"])
        first_id = page["results"][0]["id"] if page["results"] else None
    if item_path is not None and first_id is not None:
        response = await rest.get(item_path.format(id=first_id), headers=headers(caller))
        assert response.status_code == 200, (viewset, response.text)
        expected = await graphql(router_http, ops[("GET", item_path)], {"id": first_id}, caller)
        field = next(iter(expected["data"]))
        assert response.json() == snake(expected["data"][field])


async def test_singletons_and_lookups_by_other_keys(
    rest: httpx.AsyncClient, router_http: httpx.AsyncClient, world: World
) -> None:
    ops = operation_ids()
    product_id = world.products[0]["id"]
    cases: list[tuple[str, str, dict[str, Any], Caller | None]] = [
        ("/api/cart/", "/api/cart/", {}, world.buyer),
        (
            f"/api/product-images/?product={product_id}",
            "/api/product-images/",
            {"productId": product_id, "first": 20},
            None,
        ),
        (
            f"/api/recommendations/product/{product_id}/",
            "/api/recommendations/product/{product_id}/",
            {"productId": product_id},
            None,
        ),
        (
            f"/api/recommendations/user/{world.buyer.user_id}/",
            "/api/recommendations/user/{user_id}/",
            {"userId": str(world.buyer.user_id)},
            world.buyer,
        ),
        (
            f"/api/kyc/status/{world.seller.user_id}/",
            "/api/kyc/status/{user_id}/",
            {"userId": str(world.seller.user_id)},
            world.seller,
        ),
    ]
    for url, template, variables, caller in cases:
        response = await rest.get(url, headers=headers(caller))
        expected = await graphql(router_http, ops[("GET", template)], variables, caller)
        assert "errors" not in expected, (url, expected)
        value = next(iter(expected["data"].values()))
        if value is None:
            assert response.status_code == 404, url
            continue
        assert response.status_code == 200, (url, response.text)
        body = response.json()
        answered, expected_value = body.get("results", body), snake(value.get("nodes", value))
        if isinstance(answered, dict):  # each serving of recommendations has its own id
            answered.pop("served_id", None)
            expected_value.pop("served_id", None)
        assert answered == expected_value, url
    # The cart by id is the buyer's own only.
    cart = (await rest.get("/api/cart/", headers=headers(world.buyer))).json()
    assert (await rest.get(f"/api/cart/{cart['id']}/", headers=headers(world.buyer))).status_code == 200
    assert (await rest.get(f"/api/cart/{cart['id']}/", headers=headers(world.other_buyer))).status_code == 404


async def test_search_filters_and_orders_as_its_graphql_query(
    rest: httpx.AsyncClient, router_http: httpx.AsyncClient, world: World
) -> None:
    response = await rest.get("/api/search/", params={"q": "rest lamp", "ordering": "-price", "page_size": 3})
    assert response.status_code == 200, response.text
    expected = await graphql(
        router_http, "RestSearchList", {"query": "rest lamp", "sort": "PRICE_DESC", "first": 3}, None
    )
    assert response.json()["results"] == snake(expected["data"]["search"]["nodes"])
    assert response.json()["count"] == expected["data"]["search"]["totalCount"]


async def test_cursor_links_walk_forwards_and_back(rest: httpx.AsyncClient, world: World) -> None:
    # Page size 1: the world's own three products make three pages even on a fresh database.
    seen: list[list[str]] = []
    previous: str | None = None
    url: str | None = "/api/products/?page_size=1&ordering=created_at"
    while url is not None and len(seen) < 3:
        page = (await rest.get(url)).json()
        seen.append([p["id"] for p in page["results"]])
        url, previous = page["next"], page["previous"]
    assert len(seen) == 3
    assert len({i for ids in seen for i in ids}) == 3  # no row twice
    assert previous is not None  # the third page links back to the second
    back = (await rest.get(previous)).json()
    assert [p["id"] for p in back["results"]] == seen[1]


async def test_filters_and_ordering_reach_the_operation(rest: httpx.AsyncClient, world: World) -> None:
    seller = world.seller.user_id
    response = await rest.get("/api/products/", params={"seller": str(seller), "ordering": "-price"})
    assert response.status_code == 200, response.text
    page = response.json()
    ids = {p["id"] for p in page["results"]}
    assert ids == {p["id"] for p in world.products}
    prices = [p["price_range"]["min"]["amount"] for p in page["results"]]
    assert prices == sorted(prices, reverse=True)
    assert (await rest.get("/api/products/", params={"min_price": "cheap"})).json() == {
        "min_price": ["A valid integer is required."]
    }


async def test_an_etag_makes_the_second_read_a_304(rest: httpx.AsyncClient, world: World) -> None:
    url = f"/api/products/{world.products[0]['id']}/"
    first = await rest.get(url)
    assert first.status_code == 200
    again = await rest.get(url, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


async def test_conventions_for_slashes_methods_and_unknown_paths(rest: httpx.AsyncClient) -> None:
    redirected = await rest.get("/api/products")
    assert redirected.status_code == 301
    assert redirected.headers["location"] == "/api/products/"
    assert (await rest.delete("/api/products/")).status_code == 405
    assert (await rest.get("/api/not-a-viewset/")).json() == {"detail": "Not found."}
    assert (await rest.get(f"/api/products/{uuid.uuid4()}/")).status_code == 404


async def test_register_login_profile_and_refresh_by_cookie(rest: httpx.AsyncClient) -> None:
    email = f"{unique('rest')}@example.com".lower()
    password = "a long enough password 42"
    created = await rest.post(
        "/api/register/", json={"email": email, "password": password, "display_name": "Rest"}
    )
    assert created.status_code == 201, created.text
    assert created.json()["email"] == email
    taken = await rest.post(
        "/api/register/", json={"email": email, "password": password, "display_name": "Rest"}
    )
    assert taken.status_code in (400, 409), taken.text
    wrong = await rest.post(
        "/api/login/", json={"email": email, "password": "wrong password!!", "device": {"id": "rest-test"}}
    )
    assert wrong.status_code == 401, wrong.text
    login = await rest.post(
        "/api/auth/login/", json={"email": email, "password": password, "device": {"id": "rest-test"}}
    )
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    cookies = {c.split("=", 1)[0]: c for c in login.headers.get_list("set-cookie")}
    assert "Path=/api/auth/" in cookies["refresh_token"]
    profile = await rest.get("/api/profile/", headers={"authorization": f"Bearer {token}"})
    assert profile.status_code == 200
    assert profile.json()["email"] == email
    assert (await rest.get("/api/profile/")).status_code == 401
    refresh_token = cookies["refresh_token"].split(";")[0].split("=", 1)[1]
    csrf = cookies["csrf_token"].split(";")[0].split("=", 1)[1]
    jar = f"refresh_token={refresh_token}; csrf_token={csrf}"
    refused = await rest.post("/api/auth/refresh/", headers={"cookie": jar})
    assert refused.status_code in (400, 401, 403), refused.text  # no CSRF header
    refreshed = await rest.post("/api/auth/refresh/", headers={"cookie": jar, "x-csrf-token": csrf})
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["access_token"]


async def test_kyc_documents_upload_as_a_multipart_form(
    rest: httpx.AsyncClient, router_http: httpx.AsyncClient
) -> None:
    email = f"{unique('kyc')}@example.com".lower()
    password = "a long enough password 42"
    account = {"email": email, "password": password, "display_name": "Kyc", "kind": "SELLER"}
    created = await rest.post("/api/register/", json=account)
    assert created.status_code == 201, created.text
    login = await rest.post(
        "/api/auth/login/", json={"email": email, "password": password, "device": {"id": "rest-kyc"}}
    )
    token = login.json()["access_token"]
    auth = {"authorization": f"Bearer {token}"}
    user_id = created.json()["id"]

    # One file field per kind of document, as a DRF form names them.
    files = [("id_front", ("front.pdf", PDF, "application/pdf")), ("selfie", ("me.png", PNG, "image/png"))]
    submitted = await rest.post("/api/kyc/submit/", files=files, headers=auth)
    assert submitted.status_code == 201, submitted.text
    body = submitted.json()
    assert [(d["kind"], d["content_type"], d["size"]) for d in body["documents"]] == [
        ("ID_FRONT", "application/pdf", len(PDF)),
        ("SELFIE", "image/png", len(PNG)),
    ]

    # The automatic checks move the submission on asynchronously (SUBMITTED -> PENDING_REVIEW):
    # compare once it has settled, so both reads see the same state.
    async def checked() -> dict[str, Any] | None:
        response = await rest.get(f"/api/kyc/status/{user_id}/", headers=auth)
        found: dict[str, Any] = response.json()
        return found if found["latest_submission"]["status"] != "SUBMITTED" else None

    status = await eventually(checked, within=30, every=0.3)
    expected = await graphql(
        router_http,
        operation_ids()[("GET", "/api/kyc/status/{user_id}/")],
        {"userId": user_id},
        Caller(uuid.UUID(user_id), token),
    )
    assert status == snake(expected["data"]["kycStatus"])
    assert status["latest_submission"]["id"] == body["id"]

    # What the form gets wrong is a field error; JSON is the wrong media type; anonymous is 401.
    unknown = await rest.post("/api/kyc/submit/", files=[("passport_scan", ("p.pdf", PDF))], headers=auth)
    assert unknown.status_code == 400
    assert "passport_scan" in unknown.json()
    not_a_file = await rest.post("/api/kyc/submit/", data={"selfie": "me.png"}, files=[], headers=auth)
    assert not_a_file.status_code in (400, 415), not_a_file.text
    as_json = await rest.post("/api/kyc/submit/", json={"selfie": "me.png"}, headers=auth)
    assert as_json.status_code == 415
    anonymous = await rest.post("/api/kyc/submit/", files=files)
    assert anonymous.status_code == 401, anonymous.text
    # A file the API refuses (not a PDF, JPEG or PNG) is its field error, not a 5xx.
    refused = await rest.post(
        "/api/kyc/submit/", files=[("selfie", ("me.exe", b"MZ\x90\x00" * 8))], headers=auth
    )
    assert refused.status_code == 400, refused.text


async def test_add_to_cart_takes_an_idempotency_key_and_if_match(
    rest: httpx.AsyncClient, world: World
) -> None:
    buyer = world.other_buyer
    variant = world.products[1]["variants"][0]["id"]
    key = unique("rest-add")
    first = await rest.post(
        "/api/cart-items/",
        json={"variant_id": variant, "quantity": 1},
        headers={**headers(buyer), "idempotency-key": key},
    )
    assert first.status_code == 201, first.text
    again = await rest.post(
        "/api/cart-items/",
        json={"variant_id": variant, "quantity": 1},
        headers={**headers(buyer), "idempotency-key": key},
    )
    assert again.json()["version"] == first.json()["version"]  # the same add, not a second one
    assert again.json()["items_count"] == 1
    stale = await rest.post(
        "/api/cart-items/",
        json={"variant_id": variant, "quantity": 1},
        headers={**headers(buyer), "if-match": str(first.json()["version"] - 1)},
    )
    assert stale.status_code == 412, stale.text


async def test_objects_of_others_are_not_found_and_anonymous_is_401(
    rest: httpx.AsyncClient, world: World
) -> None:
    """The IDOR pass: buyer A's objects asked by buyer B, by another seller and anonymously."""
    order = f"/api/orders/{world.order_id}/"
    item = f"/api/cart-items/{world.cart_item_id}/"
    assert (await rest.get(order, headers=headers(world.buyer))).status_code == 200
    assert (await rest.get(order, headers=headers(world.seller))).status_code == 200  # the order's seller
    for stranger in (world.other_buyer, world.other_seller):
        assert (await rest.get(order, headers=headers(stranger))).status_code == 404
        assert (await rest.get(item, headers=headers(stranger))).status_code == 404
        patched = await rest.patch(item, json={"quantity": 3}, headers=headers(stranger))
        assert patched.status_code == 404, patched.text
        assert (await rest.delete(item, headers=headers(stranger))).status_code == 404
    assert (await rest.get(order)).status_code == 401
    assert (await rest.get("/api/orders/")).status_code == 401
    assert (await rest.get("/api/users/", headers=headers(world.buyer))).status_code == 403
    still = await rest.get(item, headers=headers(world.buyer))
    assert still.status_code == 200
    assert still.json()["quantity"] == 1


async def test_a_seller_creates_updates_and_deletes_a_product(
    rest: httpx.AsyncClient, router_http: httpx.AsyncClient, world: World
) -> None:
    category = world.category_id
    body = {
        "title": unique("Rest Kettle"),
        "category_id": category,
        "currency": "USD",
        "status": "ACTIVE",
        "variants": [{"sku": unique("RK"), "price": 1500}],
    }
    created = await rest.post("/api/products/", json=body, headers=headers(world.seller))
    assert created.status_code == 201, created.text
    product = created.json()
    assert product["title"] == body["title"]
    assert product["variants"][0]["price"]["amount"] == 1500
    expected = await graphql(router_http, "RestProductsIdGet", {"id": product["id"]}, world.seller)
    assert snake(expected["data"]["product"])["title"] == body["title"]
    # Someone else's product is not found; a bad field is a field error.
    other = await rest.patch(
        f"/api/products/{product['id']}/", json={"title": "Mine now"}, headers=headers(world.other_seller)
    )
    assert other.status_code in (403, 404), other.text
    bad_body = {**body, "currency": "dollars", "variants": [{"sku": unique("RK"), "price": 1500}]}
    bad = await rest.post("/api/products/", json=bad_body, headers=headers(world.seller))
    assert bad.status_code == 400
    assert "currency" in bad.json() or "non_field_errors" in bad.json(), bad.text
    patched = await rest.patch(
        f"/api/products/{product['id']}/",
        json={"title": "Rest Kettle Renamed"},
        headers=headers(world.seller),
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == "Rest Kettle Renamed"
    deleted = await rest.delete(f"/api/products/{product['id']}/", headers=headers(world.seller))
    assert deleted.status_code == 204, deleted.text
    assert (await rest.get(f"/api/products/{product['id']}/")).status_code == 404


async def test_bulk_creates_answer_every_row_or_none(rest: httpx.AsyncClient, world: World) -> None:
    names = [unique("Rest Brand"), unique("Rest Brand")]
    created = await rest.post("/api/brands/", json=[{"name": n} for n in names], headers=headers(world.admin))
    assert created.status_code == 201, created.text
    assert sorted(b["name"] for b in created.json()["brands"]) == sorted(names)
    refused = await rest.post(
        "/api/brands/", json={"brands": [{"name": ""}, {"name": unique("Ok")}]}, headers=headers(world.admin)
    )
    assert refused.status_code == 400, refused.text
    assert any(k.startswith("0") or k == "non_field_errors" for k in refused.json()), refused.text
    assert (
        await rest.post("/api/brands/", json=[{"name": unique("x")}], headers=headers(world.buyer))
    ).status_code == 403
