"""Every Mastodon.py method that maps to an endpoint we serve, called once against a running
instance with its parsed answer checked; the rows have the shape of the JavaScript clients'
(tests/e2e/node/harness.mjs). `run(config)` is driven by tests/e2e/test_client_coverage.py.
"""

from __future__ import annotations

import datetime
import queue
import time
import traceback

from mastodon import Mastodon, StreamListener

# Methods of Mastodon.py knowingly not called, by name or prefix, and why.
NOT_COVERED = {
    "admin_": "Mastodon's admin API (/api/v1/admin, /api/v2/admin); Pleroma's is /api/v1/pleroma/admin",
    "collection": "Mastodon 4.6 collections: not in Pleroma",
    "account_collections": "Mastodon 4.6 collections: not in Pleroma",
    "account_in_collections": "Mastodon 4.6 collections: not in Pleroma",
    "annual_report": "Mastodon's annual reports: not in Pleroma",
    "notification_request": "Mastodon 4.3 notification requests: not in Pleroma",
    "accept_notification_request": "Mastodon 4.3 notification requests: not in Pleroma",
    "accept_multiple_notification_requests": "Mastodon 4.3 notification requests: not in Pleroma",
    "dismiss_notification_request": "Mastodon 4.3 notification requests: not in Pleroma",
    "dismiss_multiple_notification_requests": "Mastodon 4.3 notification requests: not in Pleroma",
    "notifications_merged": "Mastodon 4.3 notification requests: not in Pleroma",
    "notifications_policy": "Mastodon 4.3 notification policies: not in Pleroma",
    "update_notifications_policy": "Mastodon 4.3 notification policies: not in Pleroma",
    "status_translate": "no translation backend",
    "status_quotes": "Mastodon 4.5 quote API; Pleroma's quotes are /api/v1/pleroma/statuses/:id/quotes",
    "status_quote_revoke": "Mastodon 4.5 quote API: not in Pleroma",
    "status_update_quote_approval_policy": "Mastodon 4.5 quote API: not in Pleroma",
    "timeline_link": "Mastodon 4.3 link timeline: not in Pleroma",
    "tag_feature": "Mastodon 4.4 tag featuring; featured tags are served through featured_tag_create",
    "tag_unfeature": "Mastodon 4.4 tag featuring; featured tags are served through featured_tag_delete",
    "account_endorse": "Mastodon 4.4 endorsement path; account_pin (Pleroma's) is called",
    "account_unendorse": "Mastodon 4.4 endorsement path; account_unpin (Pleroma's) is called",
    "accounts": "Mastodon 4.3 GET /api/v1/accounts?id[]: not in Pleroma 2.7",
    "account_delete_avatar": "Mastodon 4.2 DELETE /api/v1/profile/avatar: Pleroma clears it through update_credentials",
    "account_delete_header": "Mastodon 4.2 DELETE /api/v1/profile/header: as above",
    "profile": "Mastodon 4.6 /api/v1/profile: not in Pleroma",
    "profile_update": "Mastodon 4.6 /api/v1/profile: not in Pleroma",
    "email_resend_confirmation": "Mastodon's POST /api/v1/emails/confirmations; Pleroma's is /api/v1/pleroma/account/confirmation_resend",
    "instance_languages": "Mastodon 4.x /api/v1/instance/languages: not in Pleroma",
    "instance_translation_languages": "no translation backend",
    "instance_domain_blocks": "Mastodon 4.x public domain block list: not in Pleroma",
    "instance_terms_of_service": "Mastodon 4.4 terms of service: not in Pleroma",
    "oauth_authorization_server_info": "RFC 8414 metadata (Mastodon 4.3): not in Pleroma",
    "oauth_userinfo": "OpenID userinfo (Mastodon 4.4): not in Pleroma",
    "stream_open_websocket": "one multiplexed socket with no stream: the stream_* calls open the same endpoint",
    "get_async_refresh": "Mastodon 4.4 async refreshes: not in Pleroma",
    "await_async_refresh": "Mastodon 4.4 async refreshes: not in Pleroma",
    "reports": "GET /api/v1/reports: removed from Mastodon; not in Pleroma",
    "grouped_notification": "single group / its accounts / dismiss: GET /api/v2/notifications (grouped_notifications) is called",
    "dismiss_grouped_notification": "as above",
    "unread_grouped_notifications_count": "GET /api/v2/notifications/unread_count: notifications_unread_count (v1) is called",
    "instance_health": "Mastodon's GET /health; Pleroma's is GET /api/v1/pleroma/healthcheck (served)",
    "filters_apply": "local: applies v1 filters to statuses without a request",
}
LOCAL = ("auth_request_url clear_caches decode_blurhash fetch_next fetch_previous fetch_remaining "
         "generate_media_edit_attributes get_approx_server_time get_pagination_info get_status_length "
         "get_supported_version make_poll pagination_iterator pagination_page_iterator "
         "persistable_login_credentials push_subscription_decrypt_push push_subscription_generate_keys "
         "retrieve_mastodon_version set_language verify_minimum_version").split()


class Coverage:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def call(self, method: str, route: str, fn, check=lambda value: True):
        try:
            value = fn()
            verdict = check(value)
        except Exception as error:  # any failure is a row, not a stop
            detail = f"{type(error).__name__}: {error}"[:400]
            self.rows.append({"method": method, "route": route, "result": "fail", "error": detail,
                              "trace": traceback.format_exc()[-600:]})
            return None
        if verdict is True or verdict is None:
            self.rows.append({"method": method, "route": route, "result": "pass"})
        else:
            self.rows.append({"method": method, "route": route, "result": "fail", "error": f"check: {verdict}"})
        return value


def expect(condition, message: str):
    return True if condition else message


def not_covered(called: set[str]) -> list[dict]:
    """The public methods of Mastodon.py this run does not call, each with its reason."""
    rows = []
    for name in sorted(n for n in dir(Mastodon) if not n.startswith("_") and callable(getattr(Mastodon, n))):
        if name in called:
            continue
        if name in LOCAL:
            rows.append({"method": name, "route": "-", "reason": "works locally; sends no request"})
            continue
        reason = NOT_COVERED.get(name) or next(
            (why for prefix, why in NOT_COVERED.items() if prefix.endswith("_") and name.startswith(prefix)), None)
        reason = reason or next((why for prefix, why in NOT_COVERED.items() if name.startswith(prefix)), None)
        rows.append({"method": name, "route": "?", "reason": reason or ""})
    return rows


class Collector(StreamListener):
    """Every event a stream delivers, as (name, payload)."""

    def __init__(self) -> None:
        super().__init__()
        self.events: queue.Queue = queue.Queue()

    def on_any_event(self, name, data=None):
        self.events.put((name, data))

    def until(self, predicate, timeout: float = 5):
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            try:
                name, data = self.events.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(f"not received; got {seen}") from None
            seen.append(name)
            if predicate(name, data):
                return data


def streams(c: Coverage, alice: Mastodon, bob: Mastodon, alice_acct: str) -> None:
    """The streaming methods: open, do what the stream must carry, wait for it (5 s)."""
    bob_id = bob.me().id
    lst = alice.list_create("Streamed")
    alice.list_accounts_add(lst.id, [bob_id])

    def updated(text, **fields):
        status = bob.status_post(text, **fields)
        return lambda name, data: name == "update" and data.id == status.id

    def mentioned():
        bob.status_post(f"@{alice_acct} ping")
        return lambda name, data: name == "notification" and data.type == "mention"

    def direct():
        status = bob.status_post(f"@{alice_acct} psst", visibility="direct")
        return lambda name, data: name == "conversation" and data.last_status.id == status.id

    def filters_changed():
        alice.filter_create("spoiler", ["home"])
        return lambda name, data: name == "filters_changed"

    cases = [
        ("stream_user", "GET /api/v1/streaming/user", alice.stream_user, lambda: updated("to followers")),
        ("stream_user (filters_changed)", "GET /api/v1/streaming/user", alice.stream_user, filters_changed),
        ("stream_user_notifications", "GET /api/v1/streaming/user/notification", alice.stream_user_notifications,
         mentioned),
        ("stream_public", "GET /api/v1/streaming/public", alice.stream_public, lambda: updated("public one")),
        ("stream_local", "GET /api/v1/streaming/public/local", alice.stream_local, lambda: updated("local one")),
        ("stream_hashtag", "GET /api/v1/streaming/hashtag?tag=",
         lambda listener, **kw: alice.stream_hashtag("streamed", listener, **kw), lambda: updated("tagged #streamed")),
        ("stream_list", "GET /api/v1/streaming/list?list=",
         lambda listener, **kw: alice.stream_list(lst.id, listener, **kw), lambda: updated("for the list")),
        ("stream_direct", "GET /api/v1/streaming/direct", alice.stream_direct, direct),
    ]
    for method, route, open_stream, act in cases:
        def once(open_stream=open_stream, act=act):
            listener = Collector()
            handle = open_stream(listener, run_async=True)
            try:
                time.sleep(0.5)
                return listener.until(act())
            finally:
                handle.close()
        c.call(method, route, once)
    c.call("stream_healthy", "GET /api/v1/streaming/health", alice.stream_healthy, lambda ok: expect(ok is True, str(ok)))


def run(config: dict) -> dict:  # noqa: C901 (one scenario, read top to bottom)
    url = config["url"]

    def client(token):
        return Mastodon(api_base_url=url, access_token=token, version_check_mode="none")

    alice, bob, carol = client(config["alice"]), client(config["bob"]), client(config["carol"])
    anonymous = Mastodon(api_base_url=url, version_check_mode="none")
    c = Coverage()
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)

    # apps and tokens
    c.call("create_app", "POST /api/v1/apps", lambda: Mastodon.create_app("coverage", api_base_url=url),
           lambda pair: expect(pair[0] and pair[1], "no credentials"))
    c.call("app_verify_credentials", "GET /api/v1/apps/verify_credentials", alice.app_verify_credentials,
           lambda app: expect(app.name == "e2e", app.name))
    logged = Mastodon(client_id=config["app"]["client_id"], client_secret=config["app"]["client_secret"],
                      api_base_url=url, version_check_mode="none")
    c.call("log_in", "POST /oauth/token", lambda: logged.log_in("bob", config["password"], scopes=["read"]),
           lambda token: expect(token, "no token"))
    c.call("revoke_access_token", "POST /oauth/revoke", lambda: logged.revoke_access_token(allow_http=True))
    registrar = Mastodon(client_id=config["app"]["client_id"], client_secret=config["app"]["client_secret"],
                         api_base_url=url, version_check_mode="none")
    c.call("create_account", "POST /api/v1/accounts",
           lambda: registrar.create_account("newcomer", "a long password 1", "newcomer@example.com", agreement=True),
           lambda token: expect(token, "no token"))

    # accounts
    me = c.call("account_verify_credentials", "GET /api/v1/accounts/verify_credentials", alice.account_verify_credentials,
                lambda a: expect(a.username == "alice", a.username))
    c.call("me", "GET /api/v1/accounts/verify_credentials", alice.me, lambda a: expect(a.id == me.id, a.id))
    bob_me, carol_me = bob.me(), carol.me()
    c.call("account_update_credentials", "PATCH /api/v1/accounts/update_credentials",
           lambda: alice.account_update_credentials(display_name="Alice A.", default_privacy="public",
                                                    fields=[("site", "https://example.com")]),
           lambda a: expect(a.display_name == "Alice A." and a.fields[0].name == "site", a.display_name))
    carol.account_update_credentials(locked=True)
    c.call("account", "GET /api/v1/accounts/:id", lambda: alice.account(bob_me.id), lambda a: expect(a.acct == "bob", a.acct))
    c.call("account_lookup", "GET /api/v1/accounts/lookup", lambda: alice.account_lookup("bob"),
           lambda a: expect(a.id == bob_me.id, a.id))
    c.call("account_follow", "POST /api/v1/accounts/:id/follow", lambda: alice.account_follow(bob_me.id, reblogs=True),
           lambda r: expect(r.following, "not following"))
    bob_post = bob.status_post("hello from bob #mastodonpy")
    c.call("account_statuses", "GET /api/v1/accounts/:id/statuses", lambda: alice.account_statuses(bob_me.id, limit=5),
           lambda s: expect(s and s[0].id == bob_post.id, "post missing"))
    c.call("account_followers", "GET /api/v1/accounts/:id/followers", lambda: alice.account_followers(bob_me.id),
           lambda a: expect(any(x.id == me.id for x in a), "alice missing"))
    c.call("account_following", "GET /api/v1/accounts/:id/following", lambda: alice.account_following(me.id),
           lambda a: expect(any(x.id == bob_me.id for x in a), "bob missing"))
    c.call("follows", "POST /api/v1/follows (remote follow)", lambda: alice.follows("bob"),
           lambda a: expect(a.id == bob_me.id, a.get("id")))
    c.call("account_relationships", "GET /api/v1/accounts/relationships", lambda: alice.account_relationships([bob_me.id]),
           lambda r: expect(r[0].following, "not following"))
    c.call("account_search", "GET /api/v1/accounts/search", lambda: alice.account_search("bob"),
           lambda a: expect(a and a[0].acct == "bob", "bob not found"))
    c.call("account_familiar_followers", "GET /api/v1/accounts/familiar_followers",
           lambda: alice.account_familiar_followers(carol_me.id), lambda f: expect(f[0].id == carol_me.id, str(f)))
    c.call("account_note_set", "POST /api/v1/accounts/:id/note", lambda: alice.account_note_set(bob_me.id, "met at the fair"),
           lambda r: expect(r.note == "met at the fair", r.note))
    c.call("account_pin", "POST /api/v1/accounts/:id/pin", lambda: alice.account_pin(bob_me.id),
           lambda r: expect(r.endorsed, "not endorsed"))
    c.call("endorsements", "GET /api/v1/endorsements", alice.endorsements,
           lambda a: expect(any(x.id == bob_me.id for x in a), "bob missing"))
    c.call("account_unpin", "POST /api/v1/accounts/:id/unpin", lambda: alice.account_unpin(bob_me.id),
           lambda r: expect(not r.endorsed, "still endorsed"))
    c.call("account_mute", "POST /api/v1/accounts/:id/mute", lambda: alice.account_mute(carol_me.id, duration=3600),
           lambda r: expect(r.muting, "not muting"))
    c.call("mutes", "GET /api/v1/mutes", alice.mutes, lambda a: expect(any(x.id == carol_me.id for x in a), "missing"))
    c.call("account_unmute", "POST /api/v1/accounts/:id/unmute", lambda: alice.account_unmute(carol_me.id),
           lambda r: expect(not r.muting, "still muting"))
    c.call("account_block", "POST /api/v1/accounts/:id/block", lambda: alice.account_block(carol_me.id),
           lambda r: expect(r.blocking, "not blocking"))
    c.call("blocks", "GET /api/v1/blocks", alice.blocks, lambda a: expect(any(x.id == carol_me.id for x in a), "missing"))
    c.call("account_unblock", "POST /api/v1/accounts/:id/unblock", lambda: alice.account_unblock(carol_me.id),
           lambda r: expect(not r.blocking, "still blocking"))
    c.call("domain_block", "POST /api/v1/domain_blocks", lambda: alice.domain_block("spam.example"))
    c.call("domain_blocks", "GET /api/v1/domain_blocks", alice.domain_blocks,
           lambda d: expect("spam.example" in d, str(d)))
    c.call("domain_unblock", "DELETE /api/v1/domain_blocks", lambda: alice.domain_unblock("spam.example"))
    alice.account_follow(carol_me.id)
    bob.account_follow(carol_me.id)
    c.call("follow_requests", "GET /api/v1/follow_requests", carol.follow_requests,
           lambda a: expect(len(a) == 2, f"{len(a)} requests"))
    c.call("follow_request_authorize", "POST /api/v1/follow_requests/:id/authorize",
           lambda: carol.follow_request_authorize(me.id), lambda r: expect(r.followed_by, "not followed"))
    c.call("follow_request_reject", "POST /api/v1/follow_requests/:id/reject",
           lambda: carol.follow_request_reject(bob_me.id), lambda r: expect(not r.followed_by, "followed"))
    c.call("account_remove_from_followers", "POST /api/v1/accounts/:id/remove_from_followers",
           lambda: carol.account_remove_from_followers(me.id), lambda r: expect(not r.followed_by, "still a follower"))
    c.call("account_unfollow", "POST /api/v1/accounts/:id/unfollow", lambda: bob.account_unfollow(carol_me.id),
           lambda r: expect(not r.following and not r.requested, "still following"))
    c.call("suggestions", "GET /api/v1/suggestions", alice.suggestions, lambda s: expect(isinstance(s, list), "not a list"))
    c.call("suggestions_v1", "GET /api/v1/suggestions", alice.suggestions_v1, lambda s: expect(isinstance(s, list), "not a list"))
    c.call("suggestions_v2", "GET /api/v2/suggestions", alice.suggestions_v2, lambda s: expect(isinstance(s, list), "not a list"))
    c.call("suggestion_delete", "DELETE /api/v1/suggestions/:id", lambda: alice.suggestion_delete(carol_me.id))
    c.call("directory", "GET /api/v1/directory", lambda: alice.directory(limit=5), lambda a: expect(isinstance(a, list), "not a list"))

    # lists
    lst = c.call("list_create", "POST /api/v1/lists", lambda: alice.list_create("Friends", replies_policy="list"),
                 lambda x: expect(x.title == "Friends", x.title))
    c.call("lists", "GET /api/v1/lists", alice.lists, lambda x: expect(len(x) == 1, "no list"))
    c.call("list", "GET /api/v1/lists/:id", lambda: alice.list(lst.id), lambda x: expect(x.id == lst.id, "wrong list"))
    c.call("list_update", "PUT /api/v1/lists/:id", lambda: alice.list_update(lst.id, "Close"),
           lambda x: expect(x.title == "Close", x.title))
    c.call("list_accounts_add", "POST /api/v1/lists/:id/accounts", lambda: alice.list_accounts_add(lst.id, [bob_me.id]))
    c.call("list_accounts", "GET /api/v1/lists/:id/accounts", lambda: alice.list_accounts(lst.id),
           lambda a: expect(len(a) == 1 and a[0].id == bob_me.id, "bob missing"))
    c.call("account_lists", "GET /api/v1/accounts/:id/lists", lambda: alice.account_lists(bob_me.id),
           lambda x: expect(len(x) == 1, "list missing"))
    c.call("timeline_list", "GET /api/v1/timelines/list/:id", lambda: alice.timeline_list(lst.id),
           lambda s: expect(s and s[0].id == bob_post.id, "post missing"))
    c.call("list_accounts_delete", "DELETE /api/v1/lists/:id/accounts", lambda: alice.list_accounts_delete(lst.id, [bob_me.id]))
    c.call("list_delete", "DELETE /api/v1/lists/:id", lambda: alice.list_delete(lst.id))

    # media, statuses, polls, scheduled statuses
    media = c.call("media_post", "POST /api/v2/media",
                   lambda: alice.media_post(config["image"], mime_type="image/png", description="a square"),
                   lambda m: expect(m.type == "image", m.type))
    c.call("media", "GET /api/v1/media/:id", lambda: alice.media(media.id), lambda m: expect(m.id == media.id, "wrong"))
    c.call("media_update", "PUT /api/v1/media/:id", lambda: alice.media_update(media.id, description="a red square"),
           lambda m: expect(m.description == "a red square", m.description))
    post = c.call("status_post", "POST /api/v1/statuses",
                  lambda: alice.status_post("hello @bob #coverage", media_ids=[media.id], spoiler_text="cw",
                                            idempotency_key="coverage-1"),
                  lambda s: expect(len(s.media_attachments) == 1 and s.spoiler_text == "cw", "media or cw missing"))
    c.call("toot", "POST /api/v1/statuses", lambda: alice.toot("a toot"), lambda s: expect("a toot" in s.content, s.content))
    c.call("status", "GET /api/v1/statuses/:id", lambda: bob.status(post.id), lambda s: expect(s.id == post.id, "wrong"))
    c.call("statuses", "GET /api/v1/statuses?id[]=", lambda: bob.statuses([post.id, bob_post.id]),
           lambda s: expect(len(s) == 2, f"{len(s)} statuses"))
    reply = c.call("status_reply", "POST /api/v1/statuses (in_reply_to_id)", lambda: bob.status_reply(post, "a reply"),
                   lambda s: expect(s.in_reply_to_id == post.id and [m.acct for m in s.mentions] == ["alice"],
                                    str(s.mentions)))
    c.call("status_context", "GET /api/v1/statuses/:id/context", lambda: alice.status_context(post.id),
           lambda ctx: expect(any(s.id == reply.id for s in ctx.descendants), "reply missing"))
    c.call("status_update", "PUT /api/v1/statuses/:id", lambda: alice.status_update(post.id, "edited #coverage"),
           lambda s: expect("edited" in s.content and s.edited_at, "not edited"))
    c.call("status_history", "GET /api/v1/statuses/:id/history", lambda: alice.status_history(post.id),
           lambda h: expect(len(h) == 2, f"{len(h)} versions"))
    c.call("status_source", "GET /api/v1/statuses/:id/source", lambda: alice.status_source(post.id),
           lambda s: expect("#coverage" in s.text, s.text))
    c.call("status_card", "GET /api/v1/statuses/:id/card", lambda: alice.status_card(post.id))
    c.call("status_favourite", "POST /api/v1/statuses/:id/favourite", lambda: bob.status_favourite(post.id),
           lambda s: expect(s.favourited, "not favourited"))
    c.call("status_favourited_by", "GET /api/v1/statuses/:id/favourited_by", lambda: alice.status_favourited_by(post.id),
           lambda a: expect(any(x.id == bob_me.id for x in a), "bob missing"))
    c.call("favourites", "GET /api/v1/favourites", bob.favourites, lambda s: expect(any(x.id == post.id for x in s), "missing"))
    c.call("status_unfavourite", "POST /api/v1/statuses/:id/unfavourite", lambda: bob.status_unfavourite(post.id),
           lambda s: expect(not s.favourited, "still favourited"))
    c.call("status_reblog", "POST /api/v1/statuses/:id/reblog", lambda: bob.status_reblog(post.id, visibility="public"),
           lambda s: expect(s.reblog and s.reblog.id == post.id, "not a reblog"))
    c.call("status_reblogged_by", "GET /api/v1/statuses/:id/reblogged_by", lambda: alice.status_reblogged_by(post.id),
           lambda a: expect(any(x.id == bob_me.id for x in a), "bob missing"))
    c.call("status_unreblog", "POST /api/v1/statuses/:id/unreblog", lambda: bob.status_unreblog(post.id),
           lambda s: expect(not s.reblogged, "still reblogged"))
    c.call("status_bookmark", "POST /api/v1/statuses/:id/bookmark", lambda: bob.status_bookmark(post.id),
           lambda s: expect(s.bookmarked, "not bookmarked"))
    c.call("bookmarks", "GET /api/v1/bookmarks", bob.bookmarks, lambda s: expect(any(x.id == post.id for x in s), "missing"))
    c.call("status_unbookmark", "POST /api/v1/statuses/:id/unbookmark", lambda: bob.status_unbookmark(post.id),
           lambda s: expect(not s.bookmarked, "still bookmarked"))
    c.call("status_mute", "POST /api/v1/statuses/:id/mute", lambda: alice.status_mute(post.id),
           lambda s: expect(s.muted, "not muted"))
    c.call("status_unmute", "POST /api/v1/statuses/:id/unmute", lambda: alice.status_unmute(post.id),
           lambda s: expect(not s.muted, "still muted"))
    c.call("status_pin", "POST /api/v1/statuses/:id/pin", lambda: alice.status_pin(post.id),
           lambda s: expect(s.pinned, "not pinned"))
    c.call("status_unpin", "POST /api/v1/statuses/:id/unpin", lambda: alice.status_unpin(post.id),
           lambda s: expect(not s.pinned, "still pinned"))
    poll_post = alice.status_post("which?", poll=alice.make_poll(["tea", "coffee"], expires_in=3600))
    c.call("poll", "GET /api/v1/polls/:id", lambda: bob.poll(poll_post.poll.id),
           lambda p: expect(len(p.options) == 2, "no options"))
    c.call("poll_vote", "POST /api/v1/polls/:id/votes", lambda: bob.poll_vote(poll_post.poll.id, [1]),
           lambda p: expect(p.voted and p.options[1].votes_count == 1, "vote not counted"))
    scheduled = c.call("status_post (scheduled_at)", "POST /api/v1/statuses",
                       lambda: alice.status_post("later", scheduled_at=later),
                       lambda s: expect(s.scheduled_at and s.params, "not a ScheduledStatus"))
    c.call("scheduled_statuses", "GET /api/v1/scheduled_statuses", alice.scheduled_statuses,
           lambda s: expect(any(x.id == scheduled.id for x in s), "missing"))
    c.call("scheduled_status", "GET /api/v1/scheduled_statuses/:id", lambda: alice.scheduled_status(scheduled.id),
           lambda s: expect(s.id == scheduled.id, "wrong"))
    c.call("scheduled_status_update", "PUT /api/v1/scheduled_statuses/:id",
           lambda: alice.scheduled_status_update(scheduled.id, later + datetime.timedelta(hours=1)),
           lambda s: expect(s.id == scheduled.id, "not rescheduled"))
    c.call("scheduled_status_delete", "DELETE /api/v1/scheduled_statuses/:id", lambda: alice.scheduled_status_delete(scheduled.id))

    # timelines, conversations, search, tags, trends
    c.call("timeline_home", "GET /api/v1/timelines/home", lambda: alice.timeline_home(limit=10),
           lambda s: expect(any(x.id == bob_post.id for x in s), "post missing"))
    c.call("timeline", "GET /api/v1/timelines/home", lambda: alice.timeline("home"),
           lambda s: expect(any(x.id == bob_post.id for x in s), "post missing"))
    c.call("timeline_public", "GET /api/v1/timelines/public", anonymous.timeline_public,
           lambda s: expect(any(x.id == post.id for x in s), "post missing"))
    c.call("timeline_local", "GET /api/v1/timelines/public?local=true", alice.timeline_local,
           lambda s: expect(any(x.id == post.id for x in s), "post missing"))
    c.call("timeline_hashtag", "GET /api/v1/timelines/tag/:hashtag", lambda: alice.timeline_hashtag("mastodonpy"),
           lambda s: expect(any(x.id == bob_post.id for x in s), "post missing"))
    c.call("timeline_is_available", "GET /api/v1/timelines/public?limit=1",
           lambda: alice.timeline_is_available("public"), lambda ok: expect(ok is True, str(ok)))
    bob.status_post("@alice psst", visibility="direct")
    conversations = c.call("conversations", "GET /api/v1/conversations", alice.conversations,
                           lambda cs: expect(len(cs) == 1 and cs[0].unread and cs[0].accounts[0].id == bob_me.id, str(cs)[:200]))
    c.call("conversations_read", "POST /api/v1/conversations/:id/read", lambda: alice.conversations_read(conversations[0].id),
           lambda cv: expect(cv.unread is False, "still unread"))
    c.call("search", "GET /api/v2/search", lambda: alice.search("bob", result_type="accounts"),
           lambda r: expect(any(a.acct == "bob" for a in r.accounts), "bob not found"))
    c.call("search_v2", "GET /api/v2/search", lambda: alice.search_v2("coverage", result_type="hashtags"),
           lambda r: expect(any(t.name == "coverage" for t in r.hashtags), str(r.hashtags)))
    c.call("search_v1", "GET /api/v1/search", lambda: alice.search_v1("bob"),
           lambda r: expect(any(a.acct == "bob" for a in r.accounts), "bob not found"))
    c.call("tag", "GET /api/v1/tags/:name", lambda: alice.tag("coverage"), lambda t: expect(t.name == "coverage", t.name))
    c.call("tag_follow", "POST /api/v1/tags/:name/follow", lambda: alice.tag_follow("coverage"),
           lambda t: expect(t.following, "not following"))
    c.call("followed_tags", "GET /api/v1/followed_tags", alice.followed_tags,
           lambda t: expect(any(x.name == "coverage" for x in t), "missing"))
    c.call("tag_unfollow", "POST /api/v1/tags/:name/unfollow", lambda: alice.tag_unfollow("coverage"),
           lambda t: expect(not t.following, "still following"))
    featured = c.call("featured_tag_create", "POST /api/v1/featured_tags", lambda: alice.featured_tag_create("coverage"),
                      lambda t: expect(t.name == "coverage", t.name))
    c.call("featured_tags", "GET /api/v1/featured_tags", alice.featured_tags, lambda t: expect(len(t) == 1, "missing"))
    c.call("account_featured_tags", "GET /api/v1/accounts/:id/featured_tags", lambda: bob.account_featured_tags(me.id),
           lambda t: expect(len(t) == 1, "missing"))
    c.call("featured_tag_suggestions", "GET /api/v1/featured_tags/suggestions", alice.featured_tag_suggestions,
           lambda t: expect(isinstance(t, list), "not a list"))
    c.call("featured_tag_delete", "DELETE /api/v1/featured_tags/:id", lambda: alice.featured_tag_delete(featured.id))
    c.call("trends", "GET /api/v1/trends/tags", alice.trends, lambda t: expect(isinstance(t, list), "not a list"))
    c.call("trending_tags", "GET /api/v1/trends/tags", alice.trending_tags, lambda t: expect(isinstance(t, list), "not a list"))
    c.call("trending_statuses", "GET /api/v1/trends/statuses", alice.trending_statuses,
           lambda t: expect(isinstance(t, list), "not a list"))
    c.call("trending_links", "GET /api/v1/trends/links", alice.trending_links, lambda t: expect(isinstance(t, list), "not a list"))

    # filters v1 and v2
    v1 = c.call("filter_create", "POST /api/v1/filters", lambda: alice.filter_create("spoiler", ["home"]),
                lambda f: expect(f.phrase == "spoiler", f.phrase))
    c.call("filters", "GET /api/v1/filters", alice.filters, lambda f: expect(len(f) == 1, "missing"))
    c.call("filter", "GET /api/v1/filters/:id", lambda: alice.filter(v1.id), lambda f: expect(f.id == v1.id, "wrong"))
    c.call("filter_update", "PUT /api/v1/filters/:id", lambda: alice.filter_update(v1.id, phrase="spoilers"),
           lambda f: expect(f.phrase == "spoilers", f.phrase))
    c.call("filter_delete", "DELETE /api/v1/filters/:id", lambda: alice.filter_delete(v1.id))
    v2 = c.call("create_filter_v2", "POST /api/v2/filters",
                lambda: alice.create_filter_v2("Crypto", ["home", "public"], "hide",
                                               keywords_attributes=[{"keyword": "crypto", "whole_word": True}]),
                lambda f: expect(f.title == "Crypto" and len(f.keywords) == 1, f.title))
    c.call("filters_v2", "GET /api/v2/filters", alice.filters_v2, lambda f: expect(len(f) == 1, "missing"))
    c.call("filter_v2", "GET /api/v2/filters/:id", lambda: alice.filter_v2(v2.id), lambda f: expect(f.id == v2.id, "wrong"))
    c.call("update_filter_v2", "PUT /api/v2/filters/:id", lambda: alice.update_filter_v2(v2.id, title="Coins"),
           lambda f: expect(f.title == "Coins", f.title))
    keyword = c.call("add_filter_keyword_v2", "POST /api/v2/filters/:id/keywords",
                     lambda: alice.add_filter_keyword_v2(v2.id, "nft"), lambda k: expect(k.keyword == "nft", k.keyword))
    c.call("filter_keywords_v2", "GET /api/v2/filters/:id/keywords", lambda: alice.filter_keywords_v2(v2.id),
           lambda k: expect(len(k) == 2, f"{len(k)} keywords"))
    c.call("delete_filter_keyword_v2", "DELETE /api/v2/filters/keywords/:id", lambda: alice.delete_filter_keyword_v2(keyword.id))
    status_filter = c.call("add_filter_status_v2", "POST /api/v2/filters/:id/statuses",
                           lambda: alice.add_filter_status_v2(v2.id, bob_post.id),
                           lambda s: expect(s.status_id == bob_post.id, s.status_id))
    c.call("filter_statuses_v2", "GET /api/v2/filters/:id/statuses", lambda: alice.filter_statuses_v2(v2.id),
           lambda s: expect(len(s) == 1, "missing"))
    c.call("filter_status_v2", "GET /api/v2/filters/statuses/:id", lambda: alice.filter_status_v2(status_filter.id),
           lambda s: expect(s.id == status_filter.id, "wrong"))
    c.call("delete_filter_status_v2", "DELETE /api/v2/filters/statuses/:id", lambda: alice.delete_filter_status_v2(status_filter.id))
    c.call("delete_filter_v2", "DELETE /api/v2/filters/:id", lambda: alice.delete_filter_v2(v2.id))

    # reports, preferences, markers, notifications, push, announcements
    c.call("report", "POST /api/v1/reports", lambda: alice.report(bob_me.id, status_ids=[bob_post.id], comment="spam", category="spam"),
           lambda r: expect(r.category == "spam", r.category))
    c.call("preferences", "GET /api/v1/preferences", alice.preferences,
           lambda p: expect(p["posting:default:visibility"] == "public", str(p)))
    notifications = c.call("notifications", "GET /api/v1/notifications", lambda: alice.notifications(limit=30),
                           lambda n: expect(any(x.type == "mention" for x in n), str([x.type for x in n])))
    first = notifications[0]
    c.call("notifications (id)", "GET /api/v1/notifications/:id", lambda: alice.notifications(id=first.id),
           lambda n: expect(n.id == first.id, "wrong"))
    c.call("notifications_unread_count", "GET /api/v1/notifications/unread_count", alice.notifications_unread_count,
           lambda r: expect(r.count >= 1, str(r)))
    c.call("grouped_notifications", "GET /api/v2/notifications", alice.grouped_notifications,
           lambda r: expect(len(r.notification_groups) >= 1, str(r)[:200]))
    c.call("markers_set", "POST /api/v1/markers", lambda: alice.markers_set(["home", "notifications"], [bob_post.id, first.id]),
           lambda m: expect(m.home.last_read_id == bob_post.id, str(m)))
    c.call("markers_get", "GET /api/v1/markers", lambda: alice.markers_get(["home", "notifications"]),
           lambda m: expect(m.notifications.last_read_id == first.id, str(m)))
    c.call("notifications_dismiss", "POST /api/v1/notifications/:id/dismiss", lambda: alice.notifications_dismiss(first.id))
    c.call("notifications_clear", "POST /api/v1/notifications/clear", alice.notifications_clear)
    _, public_keys = alice.push_subscription_generate_keys()
    c.call("push_subscription_set", "POST /api/v1/push/subscription",
           lambda: alice.push_subscription_set("https://push.example/send/3", public_keys, mention_events=True),
           lambda s: expect(s.endpoint == "https://push.example/send/3" and s.alerts.mention, str(s)))
    c.call("push_subscription", "GET /api/v1/push/subscription", alice.push_subscription,
           lambda s: expect(s.endpoint == "https://push.example/send/3", "missing"))
    c.call("push_subscription_update", "PUT /api/v1/push/subscription", lambda: alice.push_subscription_update(follow_events=True),
           lambda s: expect(s.alerts.follow, str(s.alerts)))
    c.call("push_subscription_delete", "DELETE /api/v1/push/subscription", alice.push_subscription_delete)
    announcement = config["announcement_id"]
    c.call("announcements", "GET /api/v1/announcements", alice.announcements,
           lambda a: expect(any(x.id == announcement for x in a), "missing"))
    c.call("announcement_reaction_create", "PUT /api/v1/announcements/:id/reactions/:name",
           lambda: alice.announcement_reaction_create(announcement, "👍"))
    c.call("announcement_reaction_delete", "DELETE /api/v1/announcements/:id/reactions/:name",
           lambda: alice.announcement_reaction_delete(announcement, "👍"))
    c.call("announcement_dismiss", "POST /api/v1/announcements/:id/dismiss", lambda: alice.announcement_dismiss(announcement))

    # instance
    c.call("instance", "GET /api/v2/instance (v1 before 4.0)", anonymous.instance,
           lambda i: expect("Pleroma" in i.version, i.version))
    c.call("instance_v1", "GET /api/v1/instance", anonymous.instance_v1, lambda i: expect("Pleroma" in i.version, i.version))
    c.call("instance_v2", "GET /api/v2/instance", anonymous.instance_v2,
           lambda i: expect(i.configuration.urls.streaming.startswith("ws"), str(i.configuration.urls)))
    c.call("instance_nodeinfo", "GET /.well-known/nodeinfo, /nodeinfo/2.0", anonymous.instance_nodeinfo,
           lambda n: expect(n.software.name, str(n)[:200]))
    c.call("instance_peers", "GET /api/v1/instance/peers", anonymous.instance_peers, lambda p: expect(isinstance(p, list), "not a list"))
    c.call("instance_activity", "GET /api/v1/instance/activity", anonymous.instance_activity,
           lambda a: expect(len(a) == 12, f"{len(a)} weeks"))
    c.call("instance_rules", "GET /api/v1/instance/rules", anonymous.instance_rules, lambda r: expect(isinstance(r, list), "not a list"))
    c.call("instance_extended_description", "GET /api/v1/instance/extended_description", anonymous.instance_extended_description,
           lambda d: expect(isinstance(d.content, str), "no content"))
    c.call("custom_emojis", "GET /api/v1/custom_emojis", anonymous.custom_emojis, lambda e: expect(isinstance(e, list), "not a list"))
    c.call("status_delete", "DELETE /api/v1/statuses/:id", lambda: alice.status_delete(post.id),
           lambda s: expect(s.id == post.id, "not the deleted status"))
    streams(c, alice, bob, me.acct)

    called = {row["method"].split(" ")[0] for row in c.rows}
    return {"calls": c.rows, "not_covered": not_covered(called)}
