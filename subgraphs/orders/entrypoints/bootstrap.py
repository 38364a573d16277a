"""The orders subgraph's composition root: its use cases and read models, wired once per process.

resolvers and consumers    receive the `OrdersServices` built here
a new use case             a method on Checkouts/CheckoutSaga/OrderActions, or a new class: a
                           field in OrdersServices and a line here
a new read                 the OrderReads port and adapters/order_reads.py
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import httpx

from subgraphs.contracts.orders import ORDER_TOPIC, SHIPMENT_TOPIC
from subgraphs.orders.adapters.fake_carrier import FakeCarriers
from subgraphs.orders.adapters.fake_payments import FakePaymentProvider
from subgraphs.orders.adapters.grant_decisions import RedisGrantDecisions
from subgraphs.orders.adapters.order_reads import SqlOrderReads
from subgraphs.orders.adapters.override_reads import SqlOverrideReads
from subgraphs.orders.adapters.peers import AddressBookPeer, CartPeer, CataloguePeer, Peer
from subgraphs.orders.adapters.photo_links import SignedPhotoLinks
from subgraphs.orders.adapters.recent_orders import RedisRecentOrders
from subgraphs.orders.adapters.return_reads import SqlReturnReads
from subgraphs.orders.adapters.returns_repository import SqlReturnsRepository
from subgraphs.orders.adapters.settle_signal import PgSettleSignal
from subgraphs.orders.adapters.settlement_reads import SqlSettlementReads
from subgraphs.orders.adapters.shipment_reads import SqlShipmentReads
from subgraphs.orders.adapters.tracking_cache import RedisTrackingCache
from subgraphs.orders.adapters.unit_of_work import orders_unit_of_work, settlement_unit_of_work
from subgraphs.orders.domain.checkout import ShippingRate
from subgraphs.orders.entrypoints.config import OrdersConfig
from subgraphs.orders.service_layer.checkouts import CheckoutPolicy, Checkouts
from subgraphs.orders.service_layer.grants import OrderGrants
from subgraphs.orders.service_layer.live_orders import LiveOrders, keys_of
from subgraphs.orders.service_layer.orders import OrderActions, OrderQueries
from subgraphs.orders.service_layer.overrides import AdminOverrides
from subgraphs.orders.service_layer.permission_rows import PermissionRows
from subgraphs.orders.service_layer.returns import ReturnActions, ReturnQueries
from subgraphs.orders.service_layer.returns_ports import OpenReturnsUnitOfWork
from subgraphs.orders.service_layer.saga import CheckoutSaga, SagaPolicy
from subgraphs.orders.service_layer.services import OrdersServices
from subgraphs.orders.service_layer.settlements import Settlements
from subgraphs.orders.service_layer.shipments import ShipmentActions, ShipmentQueries
from subgraphs.platform.files import FilesystemBlobStore
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.messaging.live_feed import LiveFeed
from subgraphs.platform.subgraph import Infrastructure
from subgraphs.platform.web.peer_client import peer_client


def bootstrap(
    infra: Infrastructure, config: OrdersConfig, *, http: httpx.AsyncClient | None = None
) -> OrdersServices:
    """`http` lets tests route the peers' calls to in-process subgraphs."""
    # Pooled clients for the process: the peers' queries (aiohttp, closed with the app), and
    # the payment provider's webhook calls (httpx; lives as long as the app).
    peers = peer_client(http)
    client = http or httpx.AsyncClient(
        timeout=httpx.Timeout(5.0), limits=httpx.Limits(max_keepalive_connections=50)
    )
    decisions = RedisGrantDecisions(infra.redis)
    recent = RedisRecentOrders(infra.redis)
    uow = orders_unit_of_work(infra.engine, decisions, recent)
    # Shipments and returns: the same tables and outbox, the repository that knows them too.
    fulfilment = cast(
        OpenReturnsUnitOfWork, orders_unit_of_work(infra.engine, decisions, recent, SqlReturnsRepository)
    )
    grants = OrderGrants(uow=uow, decisions=decisions, clock=utcnow)
    payments = FakePaymentProvider(
        infra.redis,
        client,
        config.payment_webhook_url,
        config.payment_webhook_secret,
        late_seconds=config.payment_late_callback_ms / 1000,
    )
    checkouts = Checkouts(
        uow=uow,
        carts=CartPeer(Peer(peers, config.cart_url, "cart")),
        addresses=AddressBookPeer(Peer(peers, config.accounts_url, "accounts")),
        catalogue=CataloguePeer(Peer(peers, config.products_url, "products")),
        signal=PgSettleSignal(infra.settings.asyncpg_dsn),
        policy=CheckoutPolicy(
            default_shipping=ShippingRate(config.default_shipping),
            reserve_seconds=config.reserve_seconds,
            wait_seconds=config.checkout_wait_ms / 1000,
        ),
        clock=utcnow,
    )
    saga = CheckoutSaga(
        uow=uow,
        payments=payments,
        policy=SagaPolicy(
            capture_margin=timedelta(seconds=min(60, config.reserve_seconds // 4)),
            retry_pause=config.payment_retry_pause_ms / 1000,
            stalled_after=timedelta(seconds=config.saga_stalled_after_seconds),
            abandoned_after=timedelta(seconds=2 * config.reserve_seconds),
        ),
        clock=utcnow,
    )
    queries = OrderQueries(SqlOrderReads(infra.engine), grants, recent)
    shipment_queries = ShipmentQueries(
        SqlShipmentReads(infra.engine), grants, RedisTrackingCache(infra.redis)
    )
    return_queries = ReturnQueries(
        SqlReturnReads(infra.engine), grants, SignedPhotoLinks(config.self_url, config.photo_link_secret)
    )
    feed = LiveFeed(infra.settings.kafka_bootstrap_servers, (ORDER_TOPIC, SHIPMENT_TOPIC), keys_of)
    return OrdersServices(
        checkouts=checkouts,
        saga=saga,
        queries=queries,
        actions=OrderActions(uow=uow, payments=payments, grants=grants, clock=utcnow),
        grants=grants,
        shipment_actions=ShipmentActions(uow=fulfilment, carrier=FakeCarriers(), clock=utcnow),
        shipment_queries=shipment_queries,
        live=LiveOrders(feed, queries, shipment_queries),
        return_actions=ReturnActions(
            uow=fulfilment,
            payments=payments,
            grants=grants,
            clock=utcnow,
            photos=FilesystemBlobStore(config.return_photos_dir),
        ),
        return_queries=return_queries,
        permission_rows=PermissionRows(return_queries, shipment_queries),
        overrides=AdminOverrides(uow=uow, reads=SqlOverrideReads(infra.engine), clock=utcnow),
        settlements=Settlements(
            uow=settlement_unit_of_work(infra.engine),
            reads=SqlSettlementReads(infra.engine),
            payouts=payments,
            default_rate_bp=config.default_commission_bp,
            clock=utcnow,
        ),
        webhook_secret=config.payment_webhook_secret,
        carrier_secret=config.carrier_webhook_secret,
        photo_secret=config.photo_link_secret,
    )
