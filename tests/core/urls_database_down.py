"""The project's routes plus views whose database connection fails: in DRF and in plain Django."""
from django.db import InterfaceError, OperationalError
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from mookh import urls as project_urls

handler404, handler500 = project_urls.handler404, project_urls.handler500  # the project's error handlers


@api_view(["POST"])
@permission_classes([AllowAny])
def api_database_down(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def page_database_down(request):
    raise InterfaceError("connection already closed")


urlpatterns = [path("stores/database-down/", api_database_down), path("database-down/", page_database_down),
               *project_urls.urlpatterns]
