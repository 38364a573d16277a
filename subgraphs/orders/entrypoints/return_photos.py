"""`GET /return-photos/<key>`: a stored return photo, for whoever holds a valid signed link."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from subgraphs.orders.adapters.photo_links import valid
from subgraphs.orders.service_layer.services import OrdersServices

TYPES = {"jpg": "image/jpeg", "png": "image/png"}


async def return_photo(request: Request) -> Response:
    services: OrdersServices = request.state.services
    key = request.path_params["key"]
    if not key.startswith("returns/") or not valid(
        services.photo_secret,
        key,
        request.query_params.get("exp", ""),
        request.query_params.get("sig", ""),
        time.time(),
    ):
        return JSONResponse({"error": "not found"}, status_code=404)  # a bad or expired link says nothing
    data = await services.return_actions.photos.get(key)
    if data is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    kind = TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")
    return Response(data, media_type=kind, headers={"cache-control": "private, max-age=3600"})
