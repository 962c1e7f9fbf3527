from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from mookh.core.api import optional_slash_path
from mookh.core.health import health

urlpatterns = [
    path("admin/", admin.site.urls),
    optional_slash_path("health/", health, name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("users/", include("stores.api.invitation_urls")),  # users/invitations/: agent invitations
    path("users/", include("users.api.urls")),
    path("stores/", include("stores.api.urls")),
    path("stores/", include("promos.api.urls")),
    path("stores/", include("orders.api.urls")),
    path("stores/", include("orders.tickets.api.urls")),
    path("payments/", include("payments.api.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
