"""Fetching a status's card (cards.tasks.fetch_status_card) from real pages on loopback:
what is read from OpenGraph, Twitter cards, <title>/<meta description> and oEmbed, the image
kept, and every page that must give no card and leave nothing behind."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from PIL import Image

from cards import services, tasks
from cards.models import PreviewCard, StatusCard
from statuses import services as status_services
from statuses.models import Status
from tests.cards.conftest import oembed, page, pixel_bomb
from tests.factories import StatusFactory, UserFactory


@pytest.fixture
def author():
    return UserFactory()


def post(author, text: str, **kwargs) -> Status:
    return status_services.create_status(author, text=text, **kwargs)


def fetch(status: Status) -> PreviewCard | None:
    tasks.fetch_status_card(str(status.pk))
    link = StatusCard.objects.select_related("card").filter(status=status).first()
    return link.card if link else None


def card_files(settings) -> list:
    root = settings.MEDIA_ROOT / "cards"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def nothing_stored(settings) -> None:
    assert not PreviewCard.objects.exists()
    assert not StatusCard.objects.exists()
    assert card_files(settings) == []


class TestPageMetadata:
    """cards.tasks.fetch_status_card: what a card says"""

    def test_opengraph_page_gives_a_card_with_its_image_stored_and_resized(self, author, pages, data_dir, settings):
        url = pages.og_page("/article")
        card = fetch(post(author, f"read this {url} now"))
        assert card is not None
        assert (card.url, card.type, card.title) == (url, "link", "A page title")
        assert card.description == "What the page is & says"
        assert card.provider_name == "Example News"
        assert card.provider_url == pages.url
        assert card.image_description == "a red rectangle"
        assert card.language == "en"
        assert card.opengraph["type"] == "article" and card.opengraph["site_name"] == "Example News"
        # 1200x630 fitted into 640x640, stored under the media root
        files = card_files(settings)
        assert len(files) == 1
        with Image.open(files[0]) as image:
            assert image.size == (640, 336)
        assert (card.width, card.height) == (640, 336)

    def test_twitter_card_and_meta_description_are_fallbacks(self, author, pages, data_dir):
        url = pages.serve("/tw", page(
            '<title>Page &lt;title&gt;</title><meta name="twitter:title" content="Tweet title">'
            '<meta name="description" content="  plain\n  description  ">'
            '<meta name="twitter:image" content="/tw.png">'))
        pages.og_page("/unused", image="/tw.png")  # serves /tw.png
        card = fetch(post(author, url))
        assert (card.title, card.description) == ("Tweet title", "plain description")
        assert card.image
        assert card.provider_name == "127.0.0.1"  # no og:site_name: the host

    def test_title_element_alone_makes_a_card(self, author, pages, data_dir):
        url = pages.serve("/titled", page("<title> Just a <b>title</b> </title>"))
        card = fetch(post(author, url))
        assert (card.title, card.description, card.image.name) == ("Just a title", "", "")

    def test_charset_of_the_content_type_is_honoured(self, author, pages, data_dir):
        url = pages.serve("/latin", page("<title>Caf\xe9</title>").decode().encode("latin-1"),
                          content_type="text/html; charset=iso-8859-1")
        assert fetch(post(author, url)).title == "Café"

    def test_mentions_hashtags_and_quote_links_are_not_previewed(self, author, pages, data_dir):
        UserFactory(nickname="bob")
        url = pages.og_page("/first-external")
        status = post(author, f"@bob #cats {url} and {pages.url}/second")
        assert services.link_of(status) == url
        assert fetch(status).url == url

    def test_links_to_the_instance_itself_get_no_card(self, author, pages, settings):
        status = post(author, f"see {settings.PLEROMA_URL}/notice/abc")
        assert services.link_of(status) is None

    def test_the_fragment_is_not_part_of_the_card_url(self, author, pages, data_dir):
        url = pages.og_page("/frag")
        assert fetch(post(author, f"{url}#section-2")).url == url


class TestOEmbed:
    """cards.tasks.fetch_status_card: oEmbed discovery"""

    def test_video_embed_keeps_only_its_iframe(self, author, pages, data_dir):
        pages.og_page("/unused", image="/thumb.png")
        url = oembed(pages, "/video", {
            "type": "video", "version": "1.0", "title": "A video", "author_name": "Someone",
            "author_url": "https://videos.example/someone", "provider_name": "Videos",
            "width": 480, "height": "270", "thumbnail_url": "/thumb.png",
            "html": '<div onclick="x()"><iframe src="https://videos.example/embed/1" width="480" '
                    'height="270" onload="steal()" allowfullscreen></iframe><script>alert(1)</script>'
                    '<p>caption</p></div>',
        })
        card = fetch(post(author, url))
        assert card.type == "video"
        assert card.html == ('<iframe src="https://videos.example/embed/1" width="480" height="270" '
                             'allowfullscreen=""></iframe>')
        assert (card.title, card.author_name, card.author_url) == ("A video", "Someone",
                                                                   "https://videos.example/someone")
        assert (card.provider_name, card.width, card.height) == ("Videos", 480, 270)
        assert card.image  # the thumbnail

    def test_rich_embed_without_an_iframe_is_dropped_to_a_link(self, author, pages, data_dir):
        url = oembed(pages, "/widget", {"type": "rich", "html": "<blockquote>hi</blockquote>"
                                        "<script src=\"https://evil.example/w.js\"></script>"})
        card = fetch(post(author, url))
        assert (card.type, card.html, card.title) == ("link", "", "Embedded thing")

    def test_iframe_with_a_script_source_is_dropped(self, author, pages, data_dir):
        url = oembed(pages, "/jsframe", {"type": "video", "html": '<iframe src="javascript:alert(1)"></iframe>'})
        card = fetch(post(author, url))
        assert (card.type, card.html) == ("link", "")

    def test_broken_oembed_document_leaves_the_page_metadata(self, author, pages, data_dir):
        pages.serve("/broken.json", "{not json", content_type="application/json")
        url = pages.serve("/broken", page('<title>Still a page</title>'
                                          '<link rel="alternate" type="application/json+oembed" href="/broken.json">'))
        card = fetch(post(author, url))
        assert (card.type, card.title) == ("link", "Still a page")

    def test_photo_embed_gives_a_photo_card(self, author, pages, data_dir):
        pages.og_page("/unused", image="/photo.png")
        url = oembed(pages, "/photo-page", {"type": "photo", "url": "/photo.png", "width": 1200, "height": 630})
        card = fetch(post(author, url))
        assert card.type == "photo"
        assert card.embed_url == f"{pages.url}/photo.png"
        assert card.image and (card.width, card.height) == (640, 336)


class TestNoCard:
    """cards.tasks.fetch_status_card: pages that give no card leave nothing behind"""

    def test_page_without_metadata(self, author, pages, data_dir, settings):
        url = pages.serve("/bare", page("", "<p>no head at all</p>"))
        status = post(author, url)
        assert fetch(status) is None
        nothing_stored(settings)
        # The URL rests: a second status linking it does not fetch it again.
        assert fetch(post(author, url)) is None
        assert pages.hits_of("/bare") == 1

    def test_huge_page(self, author, pages, data_dir, settings):
        url = pages.serve("/huge", b"<html><head><title>big</title></head>" + b"x" * 2_000_000)
        assert fetch(post(author, url)) is None
        nothing_stored(settings)

    def test_slow_page_is_given_up_within_the_time_bound(self, author, pages, data_dir, settings):
        started = time.monotonic()
        assert fetch(post(author, f"{pages.url}/slow")) is None
        assert time.monotonic() - started < 4
        nothing_stored(settings)

    def test_page_dripping_its_body_is_given_up_at_the_deadline(self, author, pages, data_dir, settings):
        started = time.monotonic()
        assert fetch(post(author, f"{pages.url}/drip")) is None
        assert time.monotonic() - started < 4  # the body would take 50 s
        nothing_stored(settings)

    def test_redirect_to_a_link_local_address_is_refused(self, author, pages, data_dir, settings):
        url = pages.serve("/to-metadata", b"", status=302,
                          headers={"Location": "http://169.254.169.254/latest/meta-data/"})
        assert fetch(post(author, url)) is None
        nothing_stored(settings)

    def test_loopback_page_is_refused_unless_private_networks_are_allowed(self, author, pages, data_dir, settings):
        settings.ALLOW_PRIVATE_NETWORKS = False
        url = pages.og_page("/private")
        assert fetch(post(author, url)) is None
        assert pages.hits == []
        nothing_stored(settings)

    def test_error_answer_and_non_html_answer(self, author, pages, data_dir, settings):
        pages.serve("/gone", page("<title>Gone</title>"), status=410)
        pages.serve("/data.json", '{"title": "x"}', content_type="application/json")
        assert fetch(post(author, f"{pages.url}/gone")) is None
        assert fetch(post(author, f"{pages.url}/data.json")) is None
        nothing_stored(settings)

    def test_sensitive_status_gets_no_card(self, author, pages, data_dir, settings):
        url = pages.og_page("/nsfw")
        assert fetch(post(author, f"{url} #nsfw")) is None
        assert pages.hits == []

    def test_link_previews_off_fetch_nothing(self, author, pages, data_dir, settings, django_capture_on_commit_callbacks):
        settings.LINK_PREVIEWS = False
        url = pages.og_page("/off")
        with django_capture_on_commit_callbacks(execute=True):
            status = post(author, url)
        assert fetch(status) is None
        assert pages.hits == []

    def test_failing_write_leaves_no_rows_and_no_image_file(self, author, pages, data_dir, settings, monkeypatch):
        url = pages.og_page("/fault")
        status = post(author, url)

        def refuse(*args, **kwargs):
            raise OperationalError("connection lost")

        monkeypatch.setattr(StatusCard.objects, "update_or_create", refuse)
        with pytest.raises(OperationalError):
            services.update_status_card(status.pk)
        nothing_stored(settings)


class TestImages:
    """cards.tasks.fetch_status_card: the preview image"""

    def test_pixel_bomb_is_not_decoded_and_the_card_has_no_image(self, author, pages, data_dir, settings):
        url = pages.og_page("/bomb", image="/bomb.png")
        pages.serve("/bomb.png", pixel_bomb(), content_type="image/png")
        card = fetch(post(author, url))
        assert card.title == "A page title"
        assert not card.image and (card.width, card.height) == (0, 0)
        assert card_files(settings) == []

    def test_image_that_is_not_an_image(self, author, pages, data_dir, settings):
        url = pages.og_page("/fake", image="/fake.png")
        pages.serve("/fake.png", b"<svg onload=alert(1)></svg>", content_type="image/png")
        card = fetch(post(author, url))
        assert card is not None and not card.image

    def test_image_over_the_size_limit(self, author, pages, data_dir, settings, monkeypatch):
        monkeypatch.setattr(services, "IMAGE_BYTES", 1000)
        card = fetch(post(author, pages.og_page("/big-image")))
        assert card is not None and not card.image


class TestSharedCards:
    """cards.tasks.fetch_status_card: one card per URL"""

    def test_statuses_linking_one_url_share_one_card_fetched_once(self, author, pages, data_dir):
        url = pages.og_page("/shared")
        first, second = fetch(post(author, url)), fetch(post(UserFactory(), f"also {url}"))
        assert first.pk == second.pk
        assert PreviewCard.objects.count() == 1 and StatusCard.objects.count() == 2
        assert pages.hits_of("/shared") == 1

    def test_running_twice_changes_nothing(self, author, pages, data_dir, settings):
        status = post(author, pages.og_page("/twice"))
        card = fetch(status)
        assert fetch(status).pk == card.pk
        assert pages.hits_of("/twice") == 1 and len(card_files(settings)) == 1

    def test_stale_card_is_fetched_again_for_every_status_and_its_old_image_removed(
            self, author, pages, data_dir, settings):
        url = pages.og_page("/news", title="Old title")
        first = post(author, url)
        old = fetch(first)
        old_files = card_files(settings)
        PreviewCard.objects.filter(pk=old.pk).update(
            fetched_at=timezone.now() - timedelta(seconds=settings.LINK_PREVIEW_TTL_SECONDS + 1))
        pages.og_page("/news", title="New title")
        card = fetch(post(author, url))
        assert card.pk == old.pk and card.title == "New title"
        assert StatusCard.objects.get(status=first).card.title == "New title"
        files = card_files(settings)
        assert len(files) == 1 and files != old_files

    def test_stale_card_stays_when_the_page_gives_none_any_more(self, author, pages, data_dir, settings):
        url = pages.og_page("/flaky", title="Kept")
        old = fetch(post(author, url))
        PreviewCard.objects.filter(pk=old.pk).update(fetched_at=timezone.now() - timedelta(days=365))
        pages.serve("/flaky", b"", status=500)
        card = fetch(post(author, url))
        assert card.pk == old.pk and card.title == "Kept"


class TestEdits:
    """cards.services.update_status_card after an edit"""

    def test_a_new_first_link_changes_the_card_and_no_link_removes_it(self, author, pages, data_dir):
        status = post(author, pages.og_page("/before", title="Before"))
        assert fetch(status).title == "Before"
        after = pages.og_page("/after", title="After")
        Status.objects.filter(pk=status.pk).update(content=f'<a href="{after}">{after}</a>')
        assert fetch(status).title == "After"
        Status.objects.filter(pk=status.pk).update(content="no links now")
        assert fetch(status) is None
        assert PreviewCard.objects.count() == 2  # cards stay for other statuses linking them

    def test_the_after_update_hook_schedules_the_fetch(self, author, pages, data_dir,
                                                       django_capture_on_commit_callbacks):
        from cards import hooks

        status = post(author, pages.og_page("/hooked", title="Before"))
        fetch(status)
        Status.objects.filter(pk=status.pk).update(content="<p>no link any more</p>")
        status.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            hooks.after_update(status)  # statuses.registry.after_update(status), once an edit committed
        assert not StatusCard.objects.filter(status=status).exists()

    def test_status_deleted_before_the_task_ran(self, author, pages, data_dir, settings):
        status = post(author, pages.og_page("/deleted"))
        status_id = str(status.pk)
        status_services.delete_status(author, status)
        assert tasks.fetch_status_card(status_id) is None
        assert pages.hits == []
        nothing_stored(settings)


class TestRemoteStatuses:
    """cards.hooks.remote_status_saved"""

    def test_a_remote_status_gets_its_card_after_a_random_wait(self, pages, data_dir, monkeypatch,
                                                               django_capture_on_commit_callbacks):
        sent = []
        monkeypatch.setattr(tasks.fetch_status_card, "apply_async",
                            lambda args, countdown: sent.append(countdown) or tasks.fetch_status_card(*args))
        remote = UserFactory(domain="remote.example")
        url = pages.og_page("/federated")
        with django_capture_on_commit_callbacks(execute=True):
            status = StatusFactory(account=remote, local=False, content=f'<p><a href="{url}">{url}</a></p>')
        assert StatusCard.objects.get(status=status).card.url == url
        assert len(sent) == 1 and 1 <= sent[0] <= services.REMOTE_SPREAD_SECONDS

    def test_a_local_status_saved_again_is_not_fetched_twice(self, author, pages, data_dir,
                                                            django_capture_on_commit_callbacks):
        url = pages.og_page("/local-once")
        with django_capture_on_commit_callbacks(execute=True):
            status = post(author, url)
        with django_capture_on_commit_callbacks(execute=True):
            status.save()
        assert pages.hits_of("/local-once") == 1

    def test_a_remote_edit_of_the_text_updates_the_card(self, pages, data_dir, monkeypatch,
                                                         django_capture_on_commit_callbacks):
        monkeypatch.setattr(tasks.fetch_status_card, "apply_async",
                            lambda args, countdown: tasks.fetch_status_card(*args))
        remote = UserFactory(domain="remote.example")
        before, after = pages.og_page("/remote-before", title="Before"), pages.og_page("/remote-after", title="After")
        with django_capture_on_commit_callbacks(execute=True):
            status = StatusFactory(account=remote, local=False, content=f'<a href="{before}">{before}</a>')
        status.content = f'<a href="{after}">{after}</a>'
        with django_capture_on_commit_callbacks(execute=True):
            status.save(update_fields=["content"])
        assert StatusCard.objects.get(status=status).card.title == "After"
        with django_capture_on_commit_callbacks(execute=True):
            status.save(update_fields=["pinned_at"])  # not the text: nothing fetched
        assert pages.hits_of("/remote-after") == 1


class TestPruning:
    """cards.tasks.prune_cards"""

    def test_stale_cards_no_status_shows_are_removed_with_their_images(self, author, pages, data_dir, settings):
        shown = post(author, pages.og_page("/still-shown"))
        fetch(shown)
        gone = post(author, pages.og_page("/no-longer-shown"))
        fetch(gone)
        fresh = post(author, pages.og_page("/fresh-orphan"))
        fetch(fresh)
        assert len(card_files(settings)) == 3
        status_services.delete_status(author, gone)
        status_services.delete_status(author, fresh)
        old = timezone.now() - timedelta(seconds=settings.LINK_PREVIEW_TTL_SECONDS + 1)
        PreviewCard.objects.exclude(url__endswith="/fresh-orphan").update(fetched_at=old)
        assert tasks.prune_cards() == 1
        assert sorted(c.url.rsplit("/", 1)[1] for c in PreviewCard.objects.all()) == ["fresh-orphan", "still-shown"]
        assert len(card_files(settings)) == 2
