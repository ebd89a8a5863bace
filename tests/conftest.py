"""Shared fixtures: clients with real OAuth tokens, users, settings for tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts import services as account_services
from tests.factories import PASSWORD, AppFactory, UserFactory

pytest_plugins = ["tests.e2e.servers", "tests.workers"]


@pytest.fixture(autouse=True)
def _test_defaults(settings, db):
    """Rate limits, link preview fetches off and Celery eager unless a test turns them on;
    a clean cache."""
    from pleroma_py.celery import app as celery_app

    settings.RATE_LIMIT_ENABLED = False
    settings.LINK_PREVIEWS = False
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def data_dir(settings, tmp_path):
    """Uploads, emoji and backups in a per-test directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMOJI_DIR = tmp_path / "emoji"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def oauth_app(db):
    return AppFactory()


class ApiClient(APIClient):
    user = None
    token = None


@pytest.fixture
def api(db):
    """api(scopes=[...], user=None) -> a client sending a real bearer token for `user`."""

    def make(scopes=("read", "write", "follow", "push"), user=None, anonymous=False, **user_fields):
        client = ApiClient()
        if anonymous:
            return client
        user = user or UserFactory(**user_fields)
        app = AppFactory()
        token, _ = account_services.issue_token(app, user, list(scopes))
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.token}")
        client.user, client.token = user, token
        return client

    return make


@pytest.fixture
def anon():
    return ApiClient()
