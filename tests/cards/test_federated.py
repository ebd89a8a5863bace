"""A Create{Note} from another server, received in the inbox and processed as the worker
does: the remote status gets the card of its first link, as a local one would."""

from __future__ import annotations

from cards import tasks
from core import ids
from statuses.models import Status
from tests.federation.incoming import REMOTE, create, deliver, note, remote_account


class TestRemoteNoteCard:
    """POST /inbox: Create{Note} with a link"""

    def test_the_remote_status_shows_the_card_of_its_first_link(self, anon, pages, data_dir, monkeypatch,
                                                                django_capture_on_commit_callbacks):
        waits = []
        monkeypatch.setattr(tasks.fetch_status_card, "apply_async",
                            lambda args, countdown: waits.append(countdown) or tasks.fetch_status_card(*args))
        bob = remote_account("bob", REMOTE)
        url = pages.og_page("/from-afar", title="Far away news")
        obj = note(1, content=f'<p><span class="h-card"><a class="u-url mention" href="{REMOTE}">@bob</a>'
                              f'</span> read <a href="{url}" rel="nofollow">{url}</a></p>')
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver(anon, bob, create(obj)).state == "done"
        status = Status.objects.get(ap_id=obj["id"])
        card = anon.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()["card"]
        assert card["url"] == url and card["title"] == "Far away news"
        assert len(waits) == 1 and waits[0] >= 1
