"""The REST API under /api/v1/: one NinjaAPI, routers contributed by each app's `api/` package.

Authentication: the browser session (with CSRF) or a personal token (`Authorization: Bearer …`).
Errors share one shape: {"code": "...", "message": "...", "details": ...}."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Carnet API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
