"""Processing a received activity (reference/federation.md §3): one handler per type.

A type may have a `prepare` step that runs first, outside any transaction: it checks the
activity and fetches what is missing (an object given by id, reply parents, a boosted
note). Then the handler runs in one transaction with the rows it writes and the activities
it sends (an outbox row per inbox), and is safe to run twice: the activity's state says it
is done, and unique rows (status ap_id, favourite, reblog) make a second copy of the same
object one effect. An activity that breaks a rule (Rejected) leaves nothing stored.
"""

from __future__ import annotations

import logging

from django.db import OperationalError, transaction
from django.utils import timezone

from federation import actors
from federation.incoming.common import Ignored, Rejected
from federation.incoming.deletes import handle_delete
from federation.incoming.events import handle_accept_or_reject as handle_answer
from federation.incoming.events import handle_join, handle_leave
from federation.incoming.featured import handle_add, handle_remove, prepare_featured
from federation.incoming.flags import handle_flag
from federation.incoming.follows import (
    answer_follow,
    follow_request_answered,
    handle_follow,
)
from federation.incoming.moves import handle_move, prepare_move
from federation.incoming.reactions import (
    handle_announce,
    handle_block,
    handle_emoji_react,
    handle_like_or_reaction,
    handle_undo,
    prepare_announce,
)
from federation.incoming.updates import handle_update, prepare_update
from federation.incoming.votes import handle_create_or_vote, prepare_create_or_vote
from federation.models import IncomingActivity
from mrf import policies


def handle_quote_request(activity: dict, remote, prepared=None) -> None:
    """QuoteRequest (FEP-044f): answered by federation.quotes (imported here, at call time,
    because it builds on this package's common helpers)."""
    from federation import quotes

    quotes.handle_quote_request(activity, remote, prepared)


def prepare_quote_request(activity: dict, remote) -> list:
    from federation import quotes

    return quotes.prepare_quote_request(activity, remote)


HANDLERS = {"Follow": handle_follow, "Undo": handle_undo, "Accept": handle_answer,
            "Reject": handle_answer, "Create": handle_create_or_vote, "Update": handle_update,
            "Delete": handle_delete, "Like": handle_like_or_reaction, "Announce": handle_announce,
            "Block": handle_block, "EmojiReact": handle_emoji_react,
            "Move": handle_move, "Flag": handle_flag,
            "Add": handle_add, "Remove": handle_remove, "QuoteRequest": handle_quote_request,
            "Join": handle_join, "Leave": handle_leave}
PREPARERS = {"Create": prepare_create_or_vote, "Update": prepare_update, "Announce": prepare_announce, "Move": prepare_move,
             "Add": prepare_featured, "Remove": prepare_featured, "QuoteRequest": prepare_quote_request}

log = logging.getLogger(__name__)

__all__ = ["HANDLERS", "Ignored", "Rejected", "answer_follow", "follow_request_answered", "process"]


def process(row: IncomingActivity) -> None:
    """Act on one stored activity once; its state records the outcome."""
    if row.state != IncomingActivity.State.PENDING:
        return
    handler = HANDLERS.get(row.type)
    state, error = IncomingActivity.State.DONE, ""
    try:
        row.payload = policies.filter_activity(row.payload)  # instance policies (§6.1) first
        if handler is None:
            raise Ignored(f"{row.type} is not handled")
        remote = actors.get_or_fetch_by_ap_id(row.actor)
        if not remote.is_active:
            raise Ignored("the actor is deactivated")
        prepare = PREPARERS.get(row.type)
        prepared = prepare(row.payload, remote) if prepare is not None else None
        with transaction.atomic():
            locked = IncomingActivity.objects.select_for_update().get(pk=row.pk)
            if locked.state != IncomingActivity.State.PENDING:
                return  # processed meanwhile by another delivery of the task
            handler(row.payload, remote, prepared)
            IncomingActivity.objects.filter(pk=row.pk).update(state=state, processed_at=timezone.now())
        return
    except (Ignored, policies.Rejected) as exc:
        state, error = IncomingActivity.State.IGNORED, str(exc)
    except Rejected as exc:
        state, error = IncomingActivity.State.FAILED, f"rejected: {exc}"
    except actors.ActorError as exc:
        state, error = IncomingActivity.State.FAILED, f"actor: {exc}"
    except OperationalError:
        raise  # the database: transient, the task retries
    except Exception as exc:  # a document no rule foresaw: recorded, never retried forever
        log.exception("incoming %s %s failed", row.type, row.ap_id)
        state, error = IncomingActivity.State.FAILED, f"error: {type(exc).__name__}"
    IncomingActivity.objects.filter(pk=row.pk, state=IncomingActivity.State.PENDING).update(
        state=state, error=error[:500], processed_at=timezone.now())
