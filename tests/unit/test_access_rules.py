"""Who sees what, as plain rules: the scopes a role carries, and which products a caller may see."""

from __future__ import annotations

from subgraphs.accounts.domain.access import scopes_for
from subgraphs.contracts.access import Principal
from subgraphs.platform.kernel.ids import new_id
from subgraphs.products.domain.model import ProductStatus
from subgraphs.products.domain.visibility import CatalogueView


def test_scopes_follow_roles_and_unknown_roles_add_nothing() -> None:
    assert scopes_for(frozenset({"buyer"})) == "profile:read profile:write"
    assert "catalog:write" in scopes_for(frozenset({"buyer", "seller"}))
    assert scopes_for(frozenset({"hacker"})) == "profile:read profile:write"


def test_everyone_sees_active_products() -> None:
    someone = new_id()
    for caller in (None, Principal(new_id()), Principal(new_id(), roles=frozenset({"seller"}))):
        assert CatalogueView.of(caller).sees("ACTIVE", someone)


def test_only_the_seller_with_the_seller_role_and_admins_see_unlisted_products() -> None:
    seller = Principal(new_id(), roles=frozenset({"seller"}))
    same_user_as_buyer = Principal(seller.user_id, roles=frozenset({"buyer"}))
    assert CatalogueView.of(seller).sees("DRAFT", seller.user_id)
    assert not CatalogueView.of(seller).sees("DRAFT", new_id())
    assert not CatalogueView.of(same_user_as_buyer).sees("DRAFT", seller.user_id)
    assert not CatalogueView.of(None).sees("ARCHIVED", seller.user_id)
    assert CatalogueView.of(Principal(new_id(), roles=frozenset({"admin"}))).sees("DRAFT", seller.user_id)


def test_shoppers_see_exactly_the_public_catalogue() -> None:
    assert CatalogueView.of(None).is_public
    assert CatalogueView.of(Principal(new_id(), roles=frozenset({"buyer"}))).is_public
    assert not CatalogueView.of(Principal(new_id(), roles=frozenset({"seller"}))).is_public
    assert not CatalogueView.of(Principal(new_id(), roles=frozenset({"admin"}))).is_public


def test_storefront_listings_show_active_products_unless_sellers_list_their_own() -> None:
    seller = Principal(new_id(), roles=frozenset({"seller"}))
    view = CatalogueView.of(seller)
    assert view.listing_status(None, None) is ProductStatus.ACTIVE
    assert view.listing_status(new_id(), ProductStatus.DRAFT) is ProductStatus.ACTIVE
    assert view.listing_status(seller.user_id, ProductStatus.DRAFT) is ProductStatus.DRAFT
    assert view.listing_status(seller.user_id, None) is None
    admin = CatalogueView.of(Principal(new_id(), roles=frozenset({"admin"})))
    assert admin.listing_status(None, None) is None
