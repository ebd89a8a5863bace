"""The Celery app: Redis as broker with REDIS_URL, else the embedded broker (core.broker)."""

import os

from celery import Celery

from core import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pleroma_py.settings")

broker.register()
app = Celery("pleroma_py")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
