"""ASGI entry: the streaming API (WebSocket and SSE) in front of the Django application.

`make streaming` serves this with uvicorn. The REST API stays under gunicorn's sync
workers (pleroma_py.wsgi, tuned in docs/performance.md); this process also answers the
rest of the API so a client pointed at it gets sensible answers.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pleroma_py.settings")
django_application = get_asgi_application()

from streaming.server import application as streaming_application  # noqa: E402 (needs Django set up)

application = streaming_application(django_application)
