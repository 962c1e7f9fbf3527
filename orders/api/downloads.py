"""Album downloads: the file an order line's signed link opens. Thin: HTTP only."""
import os

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from mookh.core.throttling import ApiAddressLimit, per_path_value
from orders.downloads import album_file_for_download


class FileNegotiation(DefaultContentNegotiation):
    """A file download answers whatever the client's Accept header says; its errors are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AlbumFileDownloadView(APIView):
    """Streams an album file to whoever holds a link of an order line entitled to it."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    # Per link too: a link passed around cannot serve a file to everyone.
    throttle_classes = [per_path_value("download_link", "token"), ApiAddressLimit]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FileNegotiation

    @extend_schema(
        parameters=[OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Forged or altered link, the order is no longer paid (refunded), "
                                             "or the file is gone (download_link_invalid)."),
            410: OpenApiResponse(description="The link has expired (download_link_expired)."),
        },
    )
    def get(self, request, token):
        media_file = album_file_for_download(token=token)
        extension = os.path.splitext(media_file.file.name)[1]
        return FileResponse(media_file.file.open("rb"), as_attachment=True, filename=f"{media_file.title}{extension}",
                            content_type=media_file.content_type or "application/octet-stream")
