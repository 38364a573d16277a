"""Event contracts: typed on both sides, JSON on the wire, and guarded like a schema registry.

A producer cannot rename, drop, retype or require a field of a published event without the
registry test failing; adding an optional field is fine (readers ignore what they do not know).
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from subgraphs.contracts.accounts import UserLoggedIn
from subgraphs.contracts.cart import CartMerged, MergeAdjustment
from subgraphs.contracts.products import ProductUpdated
from subgraphs.contracts.registry import EVENTS_DIR, all_contracts, incompatibilities, json_schema, review
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.messages import Envelope, EventContract, MalformedEvent, Topic


def test_every_committed_event_schema_matches_the_code() -> None:
    stale, problems = review(all_contracts())
    assert problems == []
    assert stale == [], f"run `make schema`: stale {stale}"


def test_an_event_survives_the_wire_with_camel_case_fields_and_its_key() -> None:
    event = CartMerged(
        cart_id=new_id(),
        owner_id=new_id(),
        owner_kind="USER",
        version=3,
        from_cart_id=new_id(),
        from_owner_id=new_id(),
        merged_lines=1,
        adjustments=[MergeAdjustment(variant_id=new_id(), requested=5, kept=2, reason="STOCK")],
    )
    raw = Envelope.wrap(event).to_json()
    body = json.loads(raw)
    assert body["type"] == "cart.merged"
    assert body["aggregateId"] == str(event.cart_id)
    assert body["data"]["fromOwnerId"] == str(event.from_owner_id)
    assert body["data"]["adjustments"][0]["kept"] == 2
    assert Envelope.from_json(raw).event() == event


def test_a_reader_ignores_fields_it_does_not_know_and_defaults_the_missing_optional_ones() -> None:
    user_id = new_id()
    data = {"userId": str(user_id), "deviceId": str(new_id()), "ip": "203.0.113.9", "newField": [1, 2]}
    envelope = Envelope("user.logged_in", 1, "user", user_id, data)
    event = envelope.event()
    assert isinstance(event, UserLoggedIn)
    assert event.guest_cart_hash is None


def test_a_malformed_event_is_refused_as_such() -> None:
    envelope = Envelope("product.updated", 1, "product", new_id(), {"productId": "not-a-uuid"})
    with pytest.raises(MalformedEvent):
        envelope.event()
    with pytest.raises(MalformedEvent):
        Envelope.from_json(b'{"id": "x"}')


def test_an_unknown_event_type_is_not_an_error_for_a_reader() -> None:
    assert Envelope("product.teleported", 1, "product", new_id(), {}).event() is None


def test_optional_fields_left_empty_stay_off_the_wire() -> None:
    event = ProductUpdated(
        product_id=new_id(), seller_id=new_id(), status="ACTIVE", category_id=new_id(), version=2
    )
    assert "variantsAdded" not in event.to_data()


SCHEMA = json_schema(ProductUpdated)


def changed(edit: Any) -> dict[str, Any]:
    new = copy.deepcopy(SCHEMA)
    edit(new)
    return new


def test_adding_an_optional_field_is_compatible() -> None:
    def add(s: dict[str, Any]) -> None:
        s["properties"]["colour"] = {"type": "string"}

    assert incompatibilities(SCHEMA, changed(add)) == []


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda s: s["properties"].pop("sellerId"), "`sellerId` was removed"),
        (lambda s: s["properties"].update(version={"type": "string"}), "`version` was retyped"),
        (
            lambda s: s["properties"].update(listedIn={"type": "string", "format": "uuid"}),
            "`listedIn` was retyped",
        ),
        (lambda s: s["required"].append("variantsAdded"), "`variantsAdded` was made required"),
        (
            lambda s: (s["properties"].update(colour={"type": "string"}), s["required"].append("colour")),
            "`colour` was added as required",
        ),
    ],
)
def test_a_change_a_consumer_could_not_read_is_refused(edit: Any, problem: str) -> None:
    found = incompatibilities(SCHEMA, changed(edit))
    assert any(p.startswith(problem) for p in found), found


def test_the_registry_refuses_an_incompatible_change_to_a_committed_schema(tmp_path: Path) -> None:
    @dataclass(frozen=True, kw_only=True)
    class WidgetMoved(EventContract, event_type="test.widget_moved", topic=Topic("test.v1"), key="widget_id"):
        widget_id: uuid.UUID
        place: str

    committed = json_schema(WidgetMoved)
    committed["properties"]["colour"] = {"type": "string"}  # a field the code has since dropped
    (tmp_path / "test.widget_moved.v1.json").write_text(json.dumps(committed))
    _, problems = review({WidgetMoved.TYPE: WidgetMoved}, tmp_path)
    assert len(problems) == 1
    assert "`colour` was removed" in problems[0]


def test_the_committed_registry_holds_every_declared_event() -> None:
    names = {p.name for p in EVENTS_DIR.glob("*.v*.json")}
    assert {f"{c.TYPE}.v{c.VERSION}.json" for c in all_contracts().values()} <= names
