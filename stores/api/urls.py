from mookh.core.api import UUID_PATTERN, Router
from stores.api import views

router = Router()
router.register("store_type", views.StoreTypeViewSet, basename="store-type")
router.register(f"store/(?P<store_pk>{UUID_PATTERN})/agents", views.StoreAgentViewSet, basename="store-agent")
router.register(f"store/(?P<store_pk>{UUID_PATTERN})/api_keys", views.StoreApiKeyViewSet, basename="store-api-key")
router.register("store", views.StoreViewSet, basename="store")
router.register("event_category", views.EventCategoryViewSet, basename="event-category")
# Before "event": /event/public/ must not be read as the event with id "public".
router.register("event/public", views.PublicEventViewSet, basename="event-public")
router.register("event", views.EventViewSet, basename="event")
router.register("schedule", views.ScheduleViewSet, basename="schedule")
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("category", views.CategoryViewSet, basename="category")
router.register("media_type", views.MediaTypeViewSet, basename="media-type")
router.register(f"album/(?P<album_pk>{UUID_PATTERN})/media_files", views.MediaFileViewSet,
                basename="album-media-file")
router.register("album", views.AlbumViewSet, basename="album")

urlpatterns = router.urls
