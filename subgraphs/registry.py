"""Every subgraph of the supergraph, as declared (`<name>/entrypoints/subgraph.py`).

The order is the start order: the cart asks the products subgraph about variants; orders
asks products, accounts and the cart; search asks products.
"""

from __future__ import annotations

from typing import Any

from subgraphs.accounts.entrypoints.subgraph import ACCOUNTS
from subgraphs.cart.entrypoints.subgraph import CART
from subgraphs.orders.entrypoints.subgraph import ORDERS
from subgraphs.platform.subgraph import Subgraph
from subgraphs.products.entrypoints.subgraph import PRODUCTS
from subgraphs.search.entrypoints.subgraph import SEARCH

SUBGRAPHS: tuple[Subgraph[Any, Any], ...] = (PRODUCTS, ACCOUNTS, CART, ORDERS, SEARCH)
