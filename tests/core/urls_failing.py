"""The project's routes plus one API view that fails unexpectedly (an error no handler knows)."""
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from mookh.urls import handler404, handler500  # noqa: F401  (the project's error handlers)
from mookh.urls import urlpatterns as project_urlpatterns


@api_view(["GET"])
@permission_classes([AllowAny])
def failing(request):
    raise RuntimeError("unexpected")


urlpatterns = [path("stores/failing/", failing), *project_urlpatterns]
