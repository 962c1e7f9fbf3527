from mookh.core.api import Router
from orders.api import v1, views

router = Router()
router.register("orders", views.OrderViewSet, basename="orders")
router.register("order", v1.V1OrderViewSet, basename="order-v1")

urlpatterns = router.urls
