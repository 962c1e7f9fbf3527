from mookh.core.api import Router
from promos.api import views

router = Router()
router.register("promo_codes", views.PromoCodeViewSet, basename="promo-code")
# Under /stores/store/{store_id}/: the catalog's router answers /stores/store/{id}/ itself and, its
# routes being anchored, lets this longer path through to here.
router.register(f"store/(?P<store_id>{views.UUID_PATTERN})/promocode-groups", views.PromoGroupViewSet,
                basename="promocode-group")

urlpatterns = router.urls
