from stores.api.serializers.api_keys import (  # noqa: F401
    StoreApiKeyCreateSerializer, StoreApiKeyIssuedSerializer, StoreApiKeySerializer,
)
from stores.api.serializers.content import (  # noqa: F401
    AlbumSerializer, MediaFileSerializer, MediaFileUploadSerializer,
)
from stores.api.serializers.events import EventSerializer, ScheduleSerializer, TicketSerializer  # noqa: F401
from stores.api.serializers.stores import (  # noqa: F401
    CategorySerializer, EventCategorySerializer, MediaTypeSerializer, StoreAgentInvitationSerializer,
    StoreAgentInviteResultSerializer, StoreAgentInviteSerializer, StoreAgentSerializer, StoreSerializer,
    StoreTypeSerializer,
)
