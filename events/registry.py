"""What happens to events and participations, announced to the apps that tell other servers.

Dependencies point one way: events announces, federation registers its listeners from its
AppConfig.ready() and sends the matching activities. Every hook runs inside the transaction
of the verb, after its rows are written (or, for a removal, while the row still exists), so
that what a listener writes (an outbox row) commits or rolls back with it:

`after_event_create(event)`: an event was posted (its Event row and the organizer's
participation are written); the status's own `after_create` hooks ran before the Event row
existed and are told so by `params["event"]`.
`after_join(participation)`: a participation was created (pending or accepted); a local
user's join of a remote event, or a remote user's join of a local one.
`after_leave(participation)`: a participation is being removed (left, or a request withdrawn).
`participation_answered(participation, accepted)`: the organizer accepted or rejected a
participation (authorize / reject).
"""

from __future__ import annotations

from collections.abc import Callable

after_event_create: list[Callable[[object], None]] = []
after_join: list[Callable[[object], None]] = []
after_leave: list[Callable[[object], None]] = []
participation_answered: list[Callable[[object, bool], None]] = []
