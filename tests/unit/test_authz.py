from __future__ import annotations

from subgraphs.platform.authz import admin, owner, same_seller, scopes_for_roles
from subgraphs.platform.identity import Principal
from subgraphs.platform.ids import new_id


def test_scopes_follow_roles_and_unknown_roles_add_nothing() -> None:
    assert scopes_for_roles(frozenset({"buyer"})) == "profile:read profile:write"
    assert "catalog:write" in scopes_for_roles(frozenset({"buyer", "seller"}))
    assert scopes_for_roles(frozenset({"hacker"})) == "profile:read profile:write"


def test_owner_policy() -> None:
    me = Principal(new_id())
    assert owner(me, me.user_id)
    assert not owner(me, new_id())
    assert not owner(None, me.user_id)
    assert owner(Principal(new_id(), roles=frozenset({"admin"})), me.user_id)


def test_same_seller_policy_needs_the_seller_role() -> None:
    seller = Principal(new_id(), roles=frozenset({"seller"}))
    buyer = Principal(seller.user_id, roles=frozenset({"buyer"}))
    assert same_seller(seller, seller.user_id)
    assert not same_seller(buyer, seller.user_id)
    assert not same_seller(seller, new_id())


def test_admin_policy() -> None:
    assert admin(Principal(new_id(), roles=frozenset({"admin"})))
    assert not admin(Principal(new_id()))
    assert not admin(None)
