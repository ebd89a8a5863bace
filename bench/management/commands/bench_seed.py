"""manage.py bench_seed: build a realistic instance for benchmarks with bulk inserts."""

from __future__ import annotations

import datetime
import random
import sys
import time
import uuid

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from accounts.models import App, User
from bookmarks.models import Bookmark
from relationships.models import Follow
from statuses.models import EmojiReaction, Favourite, MediaAttachment, Mention, Status, StatusContext

BATCH = 5000
REACTIONS = ["👍", "❤️", "😂", "🎉", "🔥", "👀"]


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done, self.start = label, max(total, 1), 0, time.monotonic()

    def add(self, n: int) -> None:
        self.done += n
        width = 30
        filled = int(width * self.done / self.total)
        rate = self.done / max(time.monotonic() - self.start, 1e-6)
        sys.stderr.write(f"\r{self.label:<12} [{'#' * filled}{'.' * (width - filled)}] "
                         f"{self.done}/{self.total} ({rate:,.0f}/s)")
        sys.stderr.flush()
        if self.done >= self.total:
            sys.stderr.write("\n")


def flake(ms: int, rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=(ms << 64) | rng.getrandbits(64))


class Command(BaseCommand):
    help = "Seed users, follows, statuses (with replies, reblogs, favourites, reactions, bookmarks, media)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=1000)
        parser.add_argument("--statuses", type=int, default=1_000_000)
        parser.add_argument("--follows", type=int, default=100, help="accounts each user follows")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--days", type=int, default=365, help="spread statuses over this many days")

    def handle(self, *args, users: int, statuses: int, follows: int, seed: int, days: int, **opts):
        rng = random.Random(seed)
        user_ids = self.make_users(users)
        self.make_follows(user_ids, follows, rng)
        status_ids = self.make_statuses(user_ids, statuses, days, rng)
        self.make_side_rows(user_ids, status_ids, rng)
        self.make_notifications()
        self.make_emoji()
        self.fix_counters()
        App.objects.get_or_create(client_id="bench", defaults=dict(
            name="bench", redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes="read write follow push",
            client_type=App.CLIENT_CONFIDENTIAL, authorization_grant_type=App.GRANT_AUTHORIZATION_CODE,
            hash_client_secret=False, client_secret="bench"))
        self.stdout.write(f"seeded {users} users, {statuses} statuses; password 'bench'")

    def make_users(self, n: int) -> list:
        hashed = make_password("bench")
        start = User.objects.filter(nickname__startswith="bench").count()
        progress = Progress("users", n)
        rows = []
        for i in range(start, start + n):
            rows.append(User(nickname=f"bench{i}", email=f"bench{i}@bench.invalid", password=hashed,
                             display_name=f"Bench {i}"))
            if len(rows) == BATCH:
                User.objects.bulk_create(rows)
                progress.add(len(rows))
                rows = []
        if rows:
            User.objects.bulk_create(rows)
            progress.add(len(rows))
        return list(User.objects.filter(nickname__startswith="bench").values_list("id", flat=True))

    def make_follows(self, user_ids: list, k: int, rng: random.Random) -> None:
        progress = Progress("follows", len(user_ids) * k)
        rows = []
        for follower in user_ids:
            for followed in rng.sample(user_ids, min(k + 1, len(user_ids))):
                if followed == follower:
                    continue
                rows.append(Follow(follower_id=follower, followed_id=followed))
            if len(rows) >= BATCH:
                Follow.objects.bulk_create(rows, ignore_conflicts=True)
                progress.add(len(rows))
                rows = []
        Follow.objects.bulk_create(rows, ignore_conflicts=True)
        progress.add(len(rows))

    def make_statuses(self, user_ids: list, n: int, days: int, rng: random.Random) -> list:
        now_ms = int(time.time() * 1000)
        start_ms = now_ms - days * 86_400_000
        step = max((now_ms - start_ms) // max(n, 1), 1)
        progress = Progress("statuses", n)
        ids: list = []
        authors: dict = {}
        contexts: dict = {}
        batch: list[Status] = []
        reblogged: set = set()
        # Reblogs and replies pick their target among recent public and unlisted originals:
        # the states the services can create (they reblog originals, never a reblog, and only
        # what the booster may see; a reblog of a reblog is a row no page can render).
        shareable: list = []
        for i in range(n):
            ms = start_ms + i * step
            sid = flake(ms, rng)
            account = rng.choice(user_ids)
            roll = rng.random()
            status = Status(id=sid, account_id=account, visibility="public", content_type="text/plain",
                            created_at=datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC))
            original = shareable[rng.randrange(max(0, len(shareable) - 5000), len(shareable))] \
                if shareable else None
            if roll < 0.05 and original is not None and (account, original) not in reblogged:
                reblogged.add((account, original))  # one reblog per account and status
                status.reblog_of_id = original
                status.reblog_of_account_id = authors.get(original)
                status.visibility = "public"
            else:
                text = f"bench status {i} #bench{i % 50}"
                status.content_source = text
                status.content = f"<p>{text}</p>"
                status.visibility = rng.choices(["public", "unlisted", "private"], [90, 5, 5])[0]
                if original is not None and roll < 0.20:  # reply
                    parent = original
                    status.in_reply_to_id = parent
                    status.in_reply_to_account_id = authors.get(parent)
                    status.context_id = contexts.get(parent)
            batch.append(status)
            ids.append(sid)
            if status.reblog_of_id is None and status.visibility in ("public", "unlisted"):
                shareable.append(sid)
                if len(shareable) > 20_000:
                    del shareable[:10_000]
            authors[sid] = account
            if len(batch) == BATCH or i == n - 1:
                self._insert_statuses(batch, contexts)
                progress.add(len(batch))
                batch = []
                if len(authors) > 20_000:  # keep memory flat: only recent parents are chosen
                    for old in ids[-len(authors):-10_000]:
                        authors.pop(old, None)
                        contexts.pop(old, None)
        return ids

    def _insert_statuses(self, batch: list[Status], contexts: dict) -> None:
        with transaction.atomic():
            roots = [s for s in batch if s.context_id is None and s.reblog_of_id is None]
            made = StatusContext.objects.bulk_create([StatusContext() for _ in roots])
            for status, context in zip(roots, made, strict=True):
                status.context_id = context.id
            for status in batch:
                if status.context_id is None and status.in_reply_to_id is not None:
                    status.context_id = contexts.get(status.in_reply_to_id)
                contexts[status.id] = status.context_id
            Status.objects.bulk_create(batch)
            Mention.objects.bulk_create([Mention(status_id=s.id, account_id=s.in_reply_to_account_id)
                                         for s in batch if s.in_reply_to_account_id])

    def make_side_rows(self, user_ids: list, status_ids: list, rng: random.Random) -> None:
        n = len(status_ids)
        for label, count, build in (
            ("favourites", n // 2, lambda s, u: Favourite(id=flake(_ms(s), rng), account_id=u, status_id=s)),
            ("reactions", n // 10, lambda s, u: EmojiReaction(id=flake(_ms(s), rng), account_id=u, status_id=s,
                                                               emoji=rng.choice(REACTIONS))),
            ("bookmarks", n // 20, lambda s, u: Bookmark(id=flake(_ms(s), rng), user_id=u, status_id=s)),
        ):
            progress = Progress(label, count)
            model = build(status_ids[0], user_ids[0]).__class__ if n else None
            rows = []
            for _ in range(count):
                rows.append(build(rng.choice(status_ids), rng.choice(user_ids)))
                if len(rows) == BATCH:
                    model.objects.bulk_create(rows, ignore_conflicts=True)
                    progress.add(len(rows))
                    rows = []
            if rows:
                model.objects.bulk_create(rows, ignore_conflicts=True)
                progress.add(len(rows))
        progress = Progress("media", n // 20)
        rows = []
        for _ in range(n // 20):
            sid = rng.choice(status_ids)
            rows.append(MediaAttachment(id=flake(_ms(sid), rng), account_id=user_ids[0], status_id=sid,
                                        file="bench/placeholder.png", type="image", mime_type="image/png",
                                        meta={"original": {"width": 64, "height": 64}}))
            if len(rows) == BATCH:
                MediaAttachment.objects.bulk_create(rows)
                progress.add(len(rows))
                rows = []
        if rows:
            MediaAttachment.objects.bulk_create(rows)
            progress.add(len(rows))

    def make_emoji(self, count: int = 300) -> None:
        """A custom emoji pack (the rows the emoji lists read; no image files)."""
        from emoji.models import Emoji, EmojiPack

        pack, _ = EmojiPack.objects.get_or_create(name="bench")
        Emoji.objects.bulk_create([Emoji(pack=pack, shortcode=f"bench_{i}", filename=f"bench_{i}.png",
                                         tags=["bench"]) for i in range(count)], ignore_conflicts=True)

    def make_notifications(self) -> None:
        """What the services would have notified: favourites, reactions, replies, reblogs."""
        sys.stderr.write("notifications...\n")
        columns = "id, user_id, account_id, type, status_id, emoji, is_seen, created_at"
        statements = [
            f"INSERT INTO notifications_notification ({columns}) SELECT f.id, s.account_id, "
            "f.account_id, 'favourite', s.id, NULL, false, f.created_at FROM statuses_favourite f "
            "JOIN statuses_status s ON s.id = f.status_id WHERE s.account_id <> f.account_id",
            f"INSERT INTO notifications_notification ({columns}) SELECT r.id, s.account_id, "
            "r.account_id, 'pleroma:emoji_reaction', s.id, r.emoji, false, r.created_at "
            "FROM statuses_emojireaction r JOIN statuses_status s ON s.id = r.status_id "
            "WHERE s.account_id <> r.account_id",
            f"INSERT INTO notifications_notification ({columns}) SELECT s.id, s.in_reply_to_account_id, "
            "s.account_id, 'mention', s.id, NULL, false, s.created_at FROM statuses_status s "
            "WHERE s.in_reply_to_account_id IS NOT NULL AND s.in_reply_to_account_id <> s.account_id",
            f"INSERT INTO notifications_notification ({columns}) SELECT s.id, s.reblog_of_account_id, "
            "s.account_id, 'reblog', s.reblog_of_id, NULL, false, s.created_at FROM statuses_status s "
            "WHERE s.reblog_of_account_id IS NOT NULL AND s.reblog_of_account_id <> s.account_id",
        ]
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql + " ON CONFLICT DO NOTHING")

    def fix_counters(self) -> None:
        """Counters the services normally keep, recomputed in a few set-based statements."""
        sys.stderr.write("counters...\n")
        statements = [
            "UPDATE accounts_user u SET statuses_count = c.n FROM (SELECT account_id, count(*) n "
            "FROM statuses_status WHERE reblog_of_id IS NULL GROUP BY account_id) c WHERE c.account_id = u.id",
            "UPDATE accounts_user u SET followers_count = c.n FROM (SELECT followed_id, count(*) n "
            "FROM accounts_follow GROUP BY followed_id) c WHERE c.followed_id = u.id",
            "UPDATE accounts_user u SET following_count = c.n FROM (SELECT follower_id, count(*) n "
            "FROM accounts_follow GROUP BY follower_id) c WHERE c.follower_id = u.id",
            "UPDATE statuses_status s SET favourites_count = c.n FROM (SELECT status_id, count(*) n "
            "FROM statuses_favourite GROUP BY status_id) c WHERE c.status_id = s.id",
            "UPDATE statuses_status s SET reblogs_count = c.n FROM (SELECT reblog_of_id, count(*) n "
            "FROM statuses_status WHERE reblog_of_id IS NOT NULL GROUP BY reblog_of_id) c WHERE c.reblog_of_id = s.id",
            "UPDATE statuses_mediaattachment m SET account_id = s.account_id FROM statuses_status s "
            "WHERE s.id = m.status_id",
            "UPDATE statuses_status s SET replies_count = c.n FROM (SELECT in_reply_to_id, count(*) n "
            "FROM statuses_status WHERE in_reply_to_id IS NOT NULL"
            " AND visibility IN ('public', 'unlisted', 'local') GROUP BY in_reply_to_id) c "
            "WHERE c.in_reply_to_id = s.id",
        ]
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")


def _ms(status_id: uuid.UUID) -> int:
    return status_id.int >> 64
