"""Flag received (reference/federation.md §3.14): another server forwards a report about a
local account. The first `object` entry naming a local account is the reported one, the
others name its statuses; `content` is the comment, kept as plain text (the markup of
another server has no place in a comment moderators' tools show). It becomes a report for
the moderators (`admin.report` notifications), the sending actor as reporter."""

from __future__ import annotations

from accounts.models import User
from core import markup
from federation.incoming.common import Ignored, local_account, object_id, status_by_uri


def handle_flag(activity: dict, remote: User, prepared=None) -> None:
    from reports import services as reports

    listed = activity.get("object")
    entries = [object_id(item) for item in (listed if isinstance(listed, list) else [listed])][:101]
    target, statuses = None, []
    for entry in entries:
        if not entry:
            continue
        if target is None:
            target = local_account(entry)
            if target is not None:
                continue
        status = status_by_uri(entry)
        if status is not None and status.local:
            statuses.append(status)
    if target is None:
        raise Ignored("Flag of no account of this server")
    content = activity.get("content")
    reports.receive_report(remote, target, statuses, markup.strip_tags(content) if isinstance(content, str) else "")
