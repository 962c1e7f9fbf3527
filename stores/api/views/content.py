"""Albums and their privately stored media files (buyers download them through orders' links)."""
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from stores import services
from stores.api import serializers as s
from stores.api.filters import AlbumFilter
from stores.models import MediaFile
from stores.api.views.events import StaffScopedMixin
from stores.selectors import albums_staffed_by, albums_visible_to, media_files_of


class AlbumViewSet(StaffScopedMixin, viewsets.ModelViewSet):
    """Owners manage their stores' albums; agents read them; anyone reads published albums."""

    serializer_class = s.AlbumSerializer
    filterset_class = AlbumFilter
    search_fields = ("name", "description")
    ordering_fields = ("created", "name")

    def staffed(self, user):
        return albums_staffed_by(user)

    def visible(self, user, *, include_private):
        return albums_visible_to(user)

    def perform_create(self, serializer):
        serializer.instance = services.album_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.album_update(album=serializer.instance, actor=self.request.user,
                                                    **serializer.validated_data)

    def perform_destroy(self, instance):
        services.album_delete(album=instance, actor=self.request.user)


ALBUM_PATH_PARAMETER = OpenApiParameter("album_pk", OpenApiTypes.UUID, OpenApiParameter.PATH,
                                        description="The album's id.")


@extend_schema_view(
    list=extend_schema(parameters=[ALBUM_PATH_PARAMETER]),
    retrieve=extend_schema(parameters=[ALBUM_PATH_PARAMETER]),
    create=extend_schema(parameters=[ALBUM_PATH_PARAMETER], request=s.MediaFileUploadSerializer,
                         responses={201: s.MediaFileSerializer}),
    destroy=extend_schema(parameters=[ALBUM_PATH_PARAMETER]),
)
class MediaFileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The album's files: the owner uploads and removes them, the store's agents list them.
    No file URL is ever shown; buyers download through signed expiring links."""

    serializer_class = s.MediaFileSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    search_fields = ("title",)
    ordering_fields = ("position", "created", "title")

    def album(self):
        album = albums_staffed_by(self.request.user).filter(pk=self.kwargs["album_pk"]).first()
        if album is None:
            raise Http404
        return album

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no album in the URL
            return MediaFile.objects.none()
        return media_files_of(self.album())

    def create(self, request, album_pk=None):
        data = s.MediaFileUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        media_file = services.media_file_add(album=self.album(), actor=request.user, **data.validated_data)
        return Response(s.MediaFileSerializer(media_file).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.media_file_delete(media_file=instance, actor=self.request.user)
