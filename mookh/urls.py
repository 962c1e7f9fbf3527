from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mookh.core.api import optional_slash_path
from mookh.core.health import health
from mookh.core.metrics import metrics_page
from mookh.core.throttling import per_address

urlpatterns = [
    path("admin/", admin.site.urls),
    optional_slash_path("health/", health, name="health"),
    # Prometheus, for a scraper holding METRICS_TOKEN; a 404 like any unknown path for everyone else.
    optional_slash_path("metrics/", metrics_page, name="metrics"),
    # Generating the schema takes a second or more of CPU: limited per address more tightly than the API.
    path("api/schema/", SpectacularAPIView.as_view(throttle_classes=[per_address("schema_address")]), name="schema"),
    # Swagger UI from this server's static files; its start-up script comes from ?script, not inline.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("users/", include("stores.api.invitation_urls")),  # users/invitations/: agent invitations
    path("users/", include("users.api.urls")),
    path("stores/", include("stores.api.urls")),
    path("stores/", include("promos.api.urls")),
    path("stores/", include("orders.api.urls")),
    path("stores/", include("tickets.api.urls")),
    path("payments/", include("payments.api.urls")),
    path("v1/", include("orders.voucherify.api.urls")),  # Voucherify-compatible, store API keys
]

# Unknown paths and unhandled errors answer JSON, except in the admin (mookh.core.error_pages).
handler404 = "mookh.core.error_pages.page_not_found"
handler500 = "mookh.core.error_pages.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
