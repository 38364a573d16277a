"""Multipart KYC uploads as a browser would send them (GraphQL multipart request spec)."""

from __future__ import annotations

import json
from typing import Any

import httpx

SUBMIT = """mutation($documents: [KycDocumentInput!]!) {
  submitKyc(documents: $documents) { submission { id status documents { kind contentType size } } userErrors { field code message } }
}"""
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def submit(http: httpx.AsyncClient, token: str, files: list[tuple[str, bytes]]) -> dict[str, Any]:
    operations = {
        "query": SUBMIT,
        "variables": {"documents": [{"kind": kind, "file": None} for kind, _ in files]},
    }
    mapping = {str(i): [f"variables.documents.{i}.file"] for i in range(len(files))}
    response = await http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
        files={str(i): (f"doc{i}", data, "application/octet-stream") for i, (_, data) in enumerate(files)},
        headers={"authorization": f"Bearer {token}", "x-csrf-token": "1"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"]["submitKyc"])
