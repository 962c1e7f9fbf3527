from stores.api.views.api_keys import StoreApiKeyViewSet  # noqa: F401
from stores.api.views.catalog import (  # noqa: F401
    CategoryViewSet, EventCategoryViewSet, MediaTypeViewSet, StoreAgentViewSet, StoreTypeViewSet, StoreViewSet,
)
from stores.api.views.content import AlbumViewSet, MediaFileViewSet  # noqa: F401
from stores.api.views.events import EventViewSet, PublicEventViewSet, ScheduleViewSet, TicketViewSet  # noqa: F401
