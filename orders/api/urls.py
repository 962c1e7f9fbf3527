from mookh.core.api import Router, optional_slash_path
from orders.api import v1, views
from orders.api.downloads import AlbumFileDownloadView

router = Router()
router.register("orders", views.OrderViewSet, basename="orders")
router.register("order", v1.V1OrderViewSet, basename="order-v1")

urlpatterns = router.urls + [
    optional_slash_path("media/download/(?P<token>[^/]+)/", AlbumFileDownloadView.as_view(),
                        name="media-file-download"),
]
