"""Status endpoints, split by resource: statuses, media, timelines and search."""

from statuses.views.media import MediaViewSet
from statuses.views.quotes import QuoteViewSet
from statuses.views.statuses import StatusViewSet
from statuses.views.timelines import SearchViewSet, TimelineViewSet

__all__ = ["MediaViewSet", "QuoteViewSet", "SearchViewSet", "StatusViewSet", "TimelineViewSet"]
