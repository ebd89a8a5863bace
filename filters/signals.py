"""What the filters app announces: `filters_changed(sender=Filter, user_id=...)` after the
commit of any change to a user's filters, their keywords or statuses (the streaming API
sends its `filters_changed` event on it; listeners must not raise)."""

from django.dispatch import Signal

filters_changed = Signal()
