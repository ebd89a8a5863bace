"""PATCH /api/v1/pleroma/conversations/:id racing DELETE /api/v1/conversations/:id (a 500
the schema fuzzer found: recipients were written for a participation deleted meanwhile)."""

from __future__ import annotations

import pytest

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
