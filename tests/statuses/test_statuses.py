"""POST/GET/DELETE /api/v1/statuses and the single-status routes."""

import pytest

from notifications.models import Notification
from statuses.models import Mention, Status, StatusTag

pytestmark = pytest.mark.django_db


class TestCreateStatus:
    """POST /api/v1/statuses"""

    def test_posts_a_status_and_renders_the_entity(self, api):
        client = api(scopes=["write:statuses"])
        response = client.post("/api/v1/statuses", {"status": "hello #Cofe", "spoiler_text": "cw"})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["content"].startswith("hello <a class=\"hashtag\"")
        assert body["tags"] == [{"name": "cofe", "url": "http://localhost:8000/tag/cofe"}]
        assert body["visibility"] == "public"
        assert body["spoiler_text"] == "cw"
        assert body["pleroma"]["content"] == {"text/plain": "hello #Cofe"}
        assert body["pleroma"]["spoiler_text"] == {"text/plain": "cw"}
        assert isinstance(body["pleroma"]["conversation_id"], int)
        assert body["application"]["name"]
        assert body["account"]["id"]
        status = Status.objects.get()
        assert status.account == client.user
        client.user.refresh_from_db()
        assert client.user.statuses_count == 1
