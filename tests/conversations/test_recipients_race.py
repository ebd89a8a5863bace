"""PATCH /api/v1/pleroma/conversations/:id racing DELETE /api/v1/conversations/:id (a 500
the schema fuzzer found: recipients were written for a participation deleted meanwhile)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from conversations import services
from conversations.models import Participation, ParticipationRecipient
from core import ids
from core.exceptions import NotFound
from tests.conversations.test_conversations import dm, participation_of


class TestSetRecipientsAfterDelete:
    """conversations.services.set_recipients"""

    def test_a_conversation_deleted_meanwhile_is_not_found_and_gets_no_recipients(self, api):
        alice, bob = api(scopes=["read", "write"]), api(scopes=["read", "write"])
        status = dm(alice, f"@{bob.user.nickname} hello")
        participation = participation_of(alice.user, status)  # loaded by the PATCH ...
        Participation.objects.filter(pk=participation.pk).delete()  # ... then the DELETE won
        with pytest.raises(NotFound):
            services.set_recipients(participation, [ids.encode(bob.user.pk)])
        assert not ParticipationRecipient.objects.filter(participation_id=participation.pk).exists()


class TestDeleteWhileRecipientsAreSet:
    """DELETE /api/v1/conversations/:id while PATCH /api/v1/pleroma/conversations/:id runs"""

    def test_the_delete_waits_for_the_participation_lock_instead_of_deadlocking(self, transactional_db, api):
        alice, bob = api(scopes=["read", "write"]), api(scopes=["read", "write"])
        participation = participation_of(alice.user, dm(alice, f"@{bob.user.nickname} hello"))
        errors: list[Exception] = []

        def delete():
            try:
                services.delete_participation(Participation.objects.get(pk=participation.pk))
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connection.close()

        with transaction.atomic():  # the PATCH, holding the participation row ...
            Participation.objects.select_for_update().get(pk=participation.pk)
            deleting = threading.Thread(target=delete)
            deleting.start()
            deleting.join(0.5)  # ... while the DELETE starts (and must wait for it)
            services.set_recipients(participation, [ids.encode(bob.user.pk)])
        deleting.join(10)
        assert not deleting.is_alive() and errors == []
        assert not Participation.objects.filter(pk=participation.pk).exists()
        assert not ParticipationRecipient.objects.filter(participation_id=participation.pk).exists()
