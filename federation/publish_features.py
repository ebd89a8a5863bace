"""Telling other servers about the Pleroma features local accounts use
(reference/federation.md §3.12-3.17, §4.7): emoji reactions, polls, moves, reports, pins. Each hook builds the
activity Pleroma sends and hands it to federation.publish, inside the transaction of the
action, like the hooks of federation.publish.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from core import ids
from core.renderers import format_datetime
from federation import documents, publish


def _emoji_react(account: User, status, reaction) -> tuple[dict, list[str]]:
    """EmojiReact, addressed as Pleroma addresses object actions (like a Like, §3.12):
    unicode emoji as `content`; a custom one as `:name:` with exactly one Emoji tag
    carrying its image (the remote image for a remote emoji)."""
    like, inboxes = publish._like(account, status, reaction)
    payload = {**like, "id": publish.activity_url("react", reaction.pk), "type": "EmojiReact"}
    if reaction.emoji_url:
        shortcode = f":{reaction.emoji}:"
        payload["content"] = shortcode
        payload["tag"] = [{"type": "Emoji", "id": reaction.emoji_url, "name": shortcode,
                           "icon": {"type": "Image", "url": reaction.emoji_url}}]
    else:
        payload["content"] = reaction.emoji
        payload["tag"] = []
    return payload, inboxes


def reacted(account: User, status, reaction) -> None:
    """statuses.registry.after_react: EmojiReact."""
    if publish._interacts(account, status):
        payload, inboxes = _emoji_react(account, status, reaction)
        publish.send(account, payload, inboxes)


def unreacted(account: User, status, reaction) -> None:
    """statuses.registry.after_unreact: Undo{EmojiReact}, the EmojiReact embedded (§3.8)."""
    if not publish._interacts(account, status):
        return
    react, inboxes = _emoji_react(account, status, reaction)
    publish.send(account, publish._undo(account, react, publish.activity_url("undo", reaction.pk)), inboxes)


def register() -> None:
    """Listen to what the feature apps announce (FederationConfig.ready)."""
    from accounts import registry as account_hooks
    from reports import registry as report_hooks
    from statuses import registry as status_hooks

    hooks = [
        (report_hooks.after_report, report_filed),
        (account_hooks.account_moved, account_moved),
        (status_hooks.after_react, reacted),
        (status_hooks.after_unreact, unreacted),
        (status_hooks.after_vote, voted),
        (status_hooks.after_pin, pinned),
        (status_hooks.after_unpin, unpinned),
    ]
    for hook_list, function in hooks:
        if function not in hook_list:
            hook_list.append(function)


# --- polls -------------------------------------------------------------------------------------

def _status_with_poll(poll):
    from statuses.models import Status

    return documents.statuses_for_documents(Status.objects.filter(pk=poll.status_id)).get()


def question_updated(status) -> dict:
    """Update{Question} with the poll's current counts (§4.7). No `updated`: receivers
    take it as new counts, not as an edit of the post (§3.10)."""
    create = documents.create_activity(status)
    now = timezone.now()
    payload = {**create, "id": publish.activity_url("update", status.pk, f"poll-{int(now.timestamp() * 1_000_000)}"),
               "type": "Update", "published": format_datetime(now)}
    payload.pop("directMessage", None)
    return payload


def vote_notes(account: User, status, choices: list[int]) -> list[dict]:
    """A local account's vote on a remote poll: one Create{Note} per chosen option, `name`
    the option's title, in reply to the Question, addressed to its author only (§4.7)."""
    from statuses.models import PollVote

    author = status.account.ap_id
    rows = PollVote.objects.filter(poll=status.poll, account=account, choice__in=choices).order_by("choice")
    activities = []
    for row in rows:
        note = {"id": f"{settings.PLEROMA_URL}/objects/vote-{ids.encode(row.pk)}", "type": "Note",
                "attributedTo": account.ap_id, "actor": account.ap_id, "to": [author], "cc": [],
                "name": status.poll.options[row.choice], "inReplyTo": status.uri,
                "published": format_datetime(row.created_at)}
        activities.append({"@context": documents.litepub_context(),
                           "id": publish.activity_url("create", row.pk, "vote"), "type": "Create",
                           "actor": account.ap_id, "to": [author], "cc": [], "object": note})
    return activities


def voted(account: User, poll, choices: list[int]) -> None:
    """statuses.registry.after_vote: the vote to a remote poll's author, or the new counts
    of a local poll to its audience."""
    status = _status_with_poll(poll)
    if status.account.is_local:
        if publish._federated(status):
            publish.send(status.account, question_updated(status), publish.status_audience(status, shared=True))
    elif account.is_local and status.visibility != "local":
        inboxes = publish.audience([status.account], shared=False)
        for activity in vote_notes(account, status, choices):
            publish.send(account, activity, inboxes)


# --- moves -------------------------------------------------------------------------------------

def move_activity(user: User, target_ap_id: str) -> dict:
    """Move of a local account to its new one (§3.13), to its followers."""
    now = timezone.now()
    return {"@context": documents.litepub_context(),
            "id": publish.activity_url("move", user.pk, str(int(now.timestamp() * 1_000_000))),
            "type": "Move", "actor": user.ap_id, "object": user.ap_id, "target": target_ap_id,
            "to": [publish.followers_url(user)], "published": format_datetime(now)}


def account_moved(user: User, target_ap_id: str) -> None:
    """accounts.registry.account_moved: Move to every remote follower's server; the local
    followers of an account that moved to another server follow it there (a task: the
    target may have to be fetched)."""
    from django.db import transaction

    if not user.is_local or not publish.federating():
        return
    publish.send(user, move_activity(user, target_ap_id), publish.follower_inboxes(user))
    if not target_ap_id.startswith(f"{settings.PLEROMA_URL}/"):
        from federation import tasks

        user_id = str(user.pk)
        transaction.on_commit(lambda: tasks.move_followers_elsewhere.delay(user_id, target_ap_id))


# --- reports -----------------------------------------------------------------------------------

def flag_activity(report, statuses: list) -> dict:
    """Flag of a forwarded report (§3.14): from the instance actor, so that the reporter is
    not named; object = the account and the reported statuses, content = the comment."""
    target = report.target
    return {"@context": documents.litepub_context(), "id": publish.activity_url("flag", report.pk),
            "type": "Flag", "actor": documents.instance_actor_id(),
            "object": [target.ap_id, *[s.uri for s in statuses]], "content": report.comment or "",
            "to": [], "cc": [target.ap_id], "state": "open", "published": format_datetime(report.created_at)}


def report_filed(report, statuses: list) -> None:
    """reports.registry.after_report: with `forward`, a Flag to the target's server, and the
    report marked forwarded. The outbox row is the reporter's (who caused it); the
    payload's actor signs it."""
    from reports import services as reports

    target = report.target
    if not report.forward or target.is_local:
        return
    if publish.send(report.account, flag_activity(report, statuses), publish.audience([target], shared=True)):
        reports.mark_forwarded(report)


# --- featured (pinned) statuses ----------------------------------------------------------------

def featured_url(user: User) -> str:
    return f"{user.ap_id}/collections/featured"


def _featured_change(kind: str, status) -> None:
    """Add / Remove of a pinned status to the author's featured collection (§3.15)."""
    if not publish._federated(status) or status.visibility not in publish.PUBLIC_VISIBILITIES:
        return
    author = status.account
    now = timezone.now()
    payload = {"@context": documents.litepub_context(),
               "id": publish.activity_url(kind.lower(), status.pk, str(int(now.timestamp() * 1_000_000))),
               "type": kind, "actor": author.ap_id, "object": status.uri, "target": featured_url(author),
               "to": [publish.PUBLIC], "cc": [publish.followers_url(author)]}
    publish.send(author, payload, publish.follower_inboxes(author))


def pinned(status) -> None:
    """statuses.registry.after_pin: Add to the featured collection."""
    _featured_change("Add", status)


def unpinned(status) -> None:
    """statuses.registry.after_unpin: Remove from the featured collection."""
    _featured_change("Remove", status)
