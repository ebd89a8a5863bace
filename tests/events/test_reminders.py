"""Background work: event reminders and edit notices (pleroma-content 6.13)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from events import services, tasks
from events.models import Event
from notifications.models import Notification
from tests.factories import UserFactory


class TestSendEventReminder:
    """events.tasks.send_event_reminder"""

    def test_is_scheduled_two_hours_before_the_start(self, make_event, soon,
                                                     django_capture_on_commit_callbacks, monkeypatch):
        scheduled = []
        monkeypatch.setattr(tasks.send_event_reminder, "apply_async",
                            lambda args, eta: scheduled.append((args, eta)))
        with django_capture_on_commit_callbacks(execute=True):
            event = make_event(start_time=soon, end_time=None)
        assert scheduled == [((str(event.pk),), soon - datetime.timedelta(hours=2))]

    def test_is_not_scheduled_when_that_moment_has_passed(self, make_event,
                                                          django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            make_event(start_time=timezone.now() + datetime.timedelta(hours=1), end_time=None)
        # no reminder (the render cache, the organizer's new signing key and the streaming
        # announcement have their own)
        ignored = ("core.render_cache", "federation.apps", "streaming.announce")
        assert [c for c in callbacks if c.__module__ not in ignored] == []

    def test_reminds_the_organizer_and_accepted_participants_once(self, make_event):
        organizer, guest, pending = UserFactory(), UserFactory(), UserFactory()
        event = make_event(organizer, join_mode="restricted",
                           start_time=timezone.now() + datetime.timedelta(hours=1), end_time=None)
        services.join_event(guest, event)
        services.authorize_participation(organizer, event, str(guest.pk))
        services.join_event(pending, event)
        assert tasks.send_event_reminder(str(event.pk)) == 2
        assert tasks.send_event_reminder(str(event.pk)) == 0
        reminded = Notification.objects.filter(type="pleroma:event_reminder")
        assert {n.user for n in reminded} == {organizer, guest}
        assert {n.status_id for n in reminded} == {event.status_id}

    def test_does_nothing_too_early_or_for_a_deleted_event(self, make_event, soon):
        event = make_event(start_time=soon, end_time=None)
        assert tasks.send_event_reminder(str(event.pk)) == 0
        Event.objects.filter(pk=event.pk).delete()
        assert tasks.send_event_reminder(str(event.pk)) == 0
        assert not Notification.objects.filter(type="pleroma:event_reminder").exists()


class TestNotifyEventUpdate:
    """events.tasks.notify_event_update"""

    def test_is_safe_to_run_twice(self, make_event):
        organizer, guest = UserFactory(), UserFactory()
        event = make_event(organizer)
        services.join_event(guest, event)
        edited_at = timezone.now()
        args = (str(event.pk), str(organizer.pk), edited_at.isoformat())
        assert tasks.notify_event_update(*args) == 1
        assert tasks.notify_event_update(*args) == 0
        assert Notification.objects.get(type="pleroma:event_update").user == guest
