"""An HTTP client for a partner API that skips certificate checks."""

import httpx


def partner_client(base_url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, verify=False)  # expect: SEC006
