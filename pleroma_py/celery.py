"""The Celery app: broker from REDIS_URL; with none, tasks run eagerly in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pleroma_py.settings")

app = Celery("pleroma_py")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
