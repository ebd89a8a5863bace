"""`manage.py streaming`: serve the streaming API (pleroma_py.asgi) with uvicorn."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the streaming API (WebSocket and SSE) on PLEROMA_STREAMING_PORT."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=None,
                            help="default: settings.STREAMING_PORT (PLEROMA_STREAMING_PORT)")
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--access-log", action="store_true")

    def handle(self, *args, host: str, port: int | None, workers: int, access_log: bool, **options) -> None:
        import uvicorn

        uvicorn.run("pleroma_py.asgi:application", host=host, port=port or settings.STREAMING_PORT,
                    workers=workers, ws="websockets-sansio", lifespan="on", access_log=access_log,
                    log_level="info", proxy_headers=True, timeout_graceful_shutdown=2)
