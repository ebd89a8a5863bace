"""The Status entity's `emojis`: the local custom emoji its text uses."""


class TestStatusEmojis:
    """POST /api/v1/statuses, GET /api/v1/statuses/:id"""

    def test_lists_the_custom_emoji_of_the_text(self, api, make_pack):
        make_pack("blobs", {"blobcat": "blobcat.png", "firefox": "firefox.png"})
        client = api(scopes=["read", "write"])
        response = client.post("/api/v1/statuses", {"status": "hi :blobcat: :unknown: :blobcat:",
                                                    "spoiler_text": ":firefox:"})
        assert response.status_code == 200, response.content
        emojis = response.json()["emojis"]
        assert [e["shortcode"] for e in emojis] == ["firefox", "blobcat"]
        assert emojis[1]["url"].endswith("/emoji/blobs/blobcat.png")
        assert emojis[1]["visible_in_picker"] is False

    def test_plain_text_has_none(self, api, make_pack):
        make_pack("blobs", {"blobcat": "blobcat.png"})
        response = api(scopes=["read", "write"]).post("/api/v1/statuses", {"status": "no emoji"})
        assert response.json()["emojis"] == []
