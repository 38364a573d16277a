"""Typed events: the base of every contract in `subgraphs/contracts`, and their JSON envelope.

A contract is a frozen dataclass that names its event type, version, topic and the field that
keys it (the aggregate id: Kafka's partition key, so one aggregate's events stay in order):

    @dataclass(frozen=True, kw_only=True)
    class ProductCreated(ProductEvent, event_type="product.created"):
        ...

On the wire an event travels in an envelope (`Envelope.to_json`):

    {"id", "type", "version", "aggregateType", "aggregateId", "occurredAt", "data": {camelCase fields}}

Producers and consumers both import the contract, so a renamed field is a type error in both,
and `subgraphs/contracts/registry.py` refuses changes a consumer could not read.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar, get_args, get_origin

import orjson

from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id

EventT = TypeVar("EventT", bound="EventContract")


@dataclass(frozen=True, slots=True)
class Topic:
    """A Kafka topic; the version in its name changes only when its key does."""

    name: str
    description: str = ""


class MalformedEvent(ValueError):
    """An envelope or its data does not match the contract (a poison message)."""


_REGISTRY: dict[str, type[EventContract]] = {}


class EventContract:
    """Base of every event contract; subclasses are frozen, keyword-only dataclasses."""

    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[Topic]
    AGGREGATE: ClassVar[str] = ""
    KEY: ClassVar[str] = ""

    def __init_subclass__(
        cls,
        *,
        event_type: str | None = None,
        version: int | None = None,
        topic: Topic | None = None,
        aggregate: str | None = None,
        key: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if topic is not None:
            cls.TOPIC = topic
        if aggregate is not None:
            cls.AGGREGATE = aggregate
        if key is not None:
            cls.KEY = key
        if version is not None:
            cls.VERSION = version
        if event_type is not None:
            if event_type in _REGISTRY:
                raise TypeError(f"event type {event_type!r} is declared twice")
            cls.TYPE = event_type
            _REGISTRY[event_type] = cls

    @property
    def aggregate_id(self) -> uuid.UUID:
        value = getattr(self, self.KEY)
        assert isinstance(value, uuid.UUID), f"{type(self).__name__}.{self.KEY} keys the event"
        return value

    def to_data(self) -> dict[str, Any]:
        # An optional field left at None is left out: readers default it (smaller payloads).
        return {
            camel(f.name): _dump(value)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if (value := getattr(self, f.name)) is not None or f.default is dataclasses.MISSING
        }

    @classmethod
    def from_data(cls: type[EventT], data: dict[str, Any]) -> EventT:
        event: EventT = _load_dataclass(cls, data)
        return event


def registered_contracts() -> dict[str, type[EventContract]]:
    """Every contract whose module has been imported, by event type."""
    return dict(_REGISTRY)


@dataclass(frozen=True, slots=True)
class Envelope:
    """An event as it leaves through the outbox and arrives at a consumer."""

    event_type: str
    version: int
    aggregate_type: str
    aggregate_id: uuid.UUID
    data: dict[str, Any]
    id: uuid.UUID = field(default_factory=new_id)
    occurred_at: datetime = field(default_factory=utcnow)

    @classmethod
    def wrap(cls, event: EventContract) -> Envelope:
        return cls(
            event_type=event.TYPE,
            version=event.VERSION,
            aggregate_type=event.AGGREGATE,
            aggregate_id=event.aggregate_id,
            data=event.to_data(),
        )

    def event(self) -> EventContract | None:
        """The typed event, or None when this process does not know the type (a newer producer's)."""
        contract = _REGISTRY.get(self.event_type)
        if contract is None:
            return None
        try:
            return contract.from_data(self.data)
        except (KeyError, TypeError, ValueError) as exc:
            raise MalformedEvent(f"{self.event_type} {self.id}: {exc}") from exc

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "id": str(self.id),
                "type": self.event_type,
                "version": self.version,
                "aggregateType": self.aggregate_type,
                "aggregateId": str(self.aggregate_id),
                "occurredAt": self.occurred_at.isoformat(),
                "data": self.data,
            }
        )

    @classmethod
    def from_json(cls, raw: bytes) -> Envelope:
        try:
            body = orjson.loads(raw)
            data = body["data"]
            if not isinstance(data, dict):
                raise TypeError("data is not an object")
            return cls(
                id=uuid.UUID(body["id"]),
                event_type=str(body["type"]),
                version=int(body.get("version", 1)),
                aggregate_type=str(body["aggregateType"]),
                aggregate_id=uuid.UUID(body["aggregateId"]),
                occurred_at=datetime.fromisoformat(body["occurredAt"]),
                data=data,
            )
        except (KeyError, TypeError, ValueError, orjson.JSONDecodeError) as exc:
            raise MalformedEvent(f"not an event envelope: {exc}") from exc


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _dump(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_dump(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {camel(f.name): _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def field_types(cls: type) -> dict[str, Any]:
    """The resolved type of each dataclass field (cached: contracts never change at runtime)."""
    hints = _HINTS.get(cls)
    if hints is None:
        resolved = typing.get_type_hints(cls)
        hints = {f.name: resolved[f.name] for f in dataclasses.fields(cls)}
        _HINTS[cls] = hints
    return hints


def _defaulted(cls: type) -> frozenset[str]:
    """Fields a reader may find missing (they have a default): everything else is required."""
    return frozenset(
        f.name
        for f in dataclasses.fields(cls)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    )


def required_fields(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.name not in _defaulted(cls)]


def is_optional(hint: Any) -> bool:
    return get_origin(hint) in (typing.Union, types.UnionType) and type(None) in get_args(hint)


def _load_dataclass(cls: type[Any], data: dict[str, Any]) -> Any:
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__} expects an object")
    values: dict[str, Any] = {}
    defaults = _defaulted(cls)
    for name, hint in field_types(cls).items():
        key = camel(name)
        if key in data:
            values[name] = _load(hint, data[key])
        elif name not in defaults:
            raise KeyError(f"{cls.__name__} needs {key}")
    # Unknown keys are a newer producer's additions: ignored, as a compatible reader must.
    return cls(**values)


def _load(hint: Any, raw: Any) -> Any:
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if raw is None and is_optional(hint):
            return None
        (inner,) = [a for a in get_args(hint) if a is not type(None)]
        return _load(inner, raw)
    if origin in (list, tuple):
        if not isinstance(raw, list):
            raise TypeError("expected a list")
        inner = get_args(hint)[0]
        items = [_load(inner, v) for v in raw]
        return items if origin is list else tuple(items)
    if hint is uuid.UUID:
        return uuid.UUID(raw)
    if hint is datetime:
        return datetime.fromisoformat(raw)
    if hint is bool:
        if not isinstance(raw, bool):
            raise TypeError("expected a boolean")
        return raw
    if hint is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise TypeError("expected an integer")
        return raw
    if hint is str:
        if not isinstance(raw, str):
            raise TypeError("expected a string")
        return raw
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _load_dataclass(hint, raw)
    raise TypeError(f"unsupported contract field type {hint!r}")
