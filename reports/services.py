"""Reports: filing one (POST /api/v1/reports), the moderators' notifications, state changes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core import ids
from core.exceptions import NotFound, Unprocessable
from notifications.models import Notification
from reports.models import Report, ReportNotification, Rule
from statuses.models import Status

COMMENT_MAX = 1000  # Mastodon's limit
STATUSES_MAX = 100
NOTIFICATION_TYPE = "admin.report"


def _decode_all(values: list[str]) -> list:
    pks = [ids.decode(str(v)) for v in values]
    if any(pk is None for pk in pks):
        raise NotFound()
    return list(dict.fromkeys(pks))


def _target(reporter: User, account_id: str) -> User:
    pk = ids.decode(str(account_id or ""))
    target = User.objects.filter(pk=pk, is_deleted=False).first() if pk else None
    if target is None:
        raise NotFound()
    if target.pk == reporter.pk:
        raise Unprocessable("Validation failed: You cannot report yourself")
    return target


def _statuses(reporter: User, target: User, status_ids: list[str]) -> list[Status]:
    """The reported statuses: the reporter must see them and they must be the target's."""
    if len(status_ids) > STATUSES_MAX:
        raise Unprocessable(f"Validation failed: At most {STATUSES_MAX} statuses can be reported")
    pks = _decode_all(status_ids)
    found = list(Status.objects.visible_to(reporter).filter(pk__in=pks)) if pks else []
    if len(found) != len(pks):
        raise NotFound()
    if any(s.account_id != target.pk for s in found):
        raise Unprocessable("Validation failed: Statuses must be the reported account's")
    return found


RULE_ID_MAX = 2**31 - 1  # the column's range: larger numbers name no rule


def _rules(rule_ids: list) -> list[Rule]:
    unknown = Unprocessable("Validation failed: Rule ids must be rules of this server")
    try:
        pks = list(dict.fromkeys(int(r) for r in rule_ids))
    except (TypeError, ValueError):
        raise unknown from None
    if any(not 0 < pk <= RULE_ID_MAX for pk in pks):
        raise unknown
    rules = list(Rule.objects.filter(pk__in=pks))
    if len(rules) != len(pks):
        raise unknown
    return rules


def staff() -> list[User]:
    """Who gets `admin.report` notifications: active admins and moderators."""
    return list(User.objects.filter(Q(is_admin=True) | Q(is_moderator=True), is_active=True, is_deleted=False))


def create_report(reporter: User, *, account_id: str, status_ids: list[str] = (), comment: str = "",
                  category: str | None = None, rule_ids: list = (), forward: bool = False) -> Report:
    """File a report and notify the moderators (`admin.report`, the report attached).

    Citing rules makes it a `violation` report, as in Mastodon. With `forward`, a report on
    an account of another server is sent there (reports.registry.after_report).
    """
    comment = comment or ""
    if len(comment) > COMMENT_MAX:
        raise Unprocessable(f"Validation failed: Comment is too long (maximum is {COMMENT_MAX} characters)")
    target = _target(reporter, account_id)
    statuses = _statuses(reporter, target, list(status_ids or ()))
    rules = _rules(list(rule_ids or ()))
    if rules:
        category = Report.Category.VIOLATION
    elif category == Report.Category.VIOLATION:
        raise Unprocessable("Validation failed: A violation report needs rule_ids")
    with transaction.atomic():
        report = _file(reporter, target, statuses, comment=comment, category=category or Report.Category.OTHER,
                       rules=rules, forward=bool(forward))
        from reports import registry

        for hook in registry.after_report:
            hook(report, statuses)
    return report


def _file(reporter: User, target: User, statuses: list[Status], *, comment: str, category: str,
          rules: list[Rule], forward: bool) -> Report:
    """Store a report and tell the moderators (`admin.report`, the report attached)."""
    report = Report.objects.create(account=reporter, target=target, comment=comment, category=category,
                                   forward=forward)
    report.statuses.set(statuses)
    report.rules.set(rules)
    moderators = [u for u in staff() if u.pk != reporter.pk]
    notifications = Notification.objects.bulk_create([
        Notification(user=u, account=reporter, type=NOTIFICATION_TYPE) for u in moderators])
    ReportNotification.objects.bulk_create([
        ReportNotification(notification=n, report=report) for n in notifications])
    return report


def mark_forwarded(report: Report) -> None:
    """The report was sent to the reported account's server (the Report entity's
    `forwarded`); called in the transaction that filed it."""
    Report.objects.filter(pk=report.pk).update(forwarded=True)
    report.forwarded = True


def receive_report(reporter: User, target: User, statuses: list[Status], comment: str) -> Report:
    """A report another server forwarded (a Flag) about a local account: filed for the
    moderators like a local one; the statuses are the target's."""
    with transaction.atomic():
        return _file(reporter, target, [s for s in statuses if s.account_id == target.pk],
                     comment=(comment or "")[:COMMENT_MAX], category=Report.Category.OTHER, rules=[], forward=False)


def get_report(report_id: str) -> Report:
    pk = ids.decode(str(report_id or ""))
    report = Report.objects.filter(pk=pk).first() if pk else None
    if report is None:
        raise NotFound()
    return report


def set_state(report: Report, state: str) -> Report:
    """Open, close or resolve a report (Pleroma's states)."""
    if state not in Report.State.values:
        raise Unprocessable(f"Unsupported state: {state}")
    now = timezone.now()
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.state = state
        report.updated_at = now
        report.action_taken_at = None if state == Report.State.OPEN else (report.action_taken_at or now)
        report.save(update_fields=["state", "updated_at", "action_taken_at"])
    return report


def update_states(changes: list[dict]) -> list[dict]:
    """PATCH /api/v1/pleroma/admin/reports: apply each `{id, state}`; the errors, one per
    change that could not be applied (Pleroma applies the others)."""
    errors = []
    for change in changes:
        report_id = str(change.get("id") or "")
        try:
            set_state(get_report(report_id), str(change.get("state") or ""))
        except (NotFound, Unprocessable) as exc:
            errors.append({"id": report_id, "error": exc.message})
    return errors
