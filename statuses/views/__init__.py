"""Status endpoints, split by resource: statuses, media, polls, scheduled statuses, timelines and search."""

from statuses.views.media import MediaViewSet
from statuses.views.polls import PollViewSet
from statuses.views.quotes import QuoteViewSet
from statuses.views.scheduled import ScheduledStatusViewSet
from statuses.views.statuses import StatusViewSet
from statuses.views.timelines import SearchViewSet, TimelineViewSet

__all__ = ["MediaViewSet", "PollViewSet", "QuoteViewSet", "ScheduledStatusViewSet", "SearchViewSet",
           "StatusViewSet", "TimelineViewSet"]
