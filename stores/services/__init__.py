"""Every catalog write. Import from here: `from stores.services import event_create`."""
from stores.services.api_keys import IssuedApiKey, store_api_key_create, store_api_key_revoke  # noqa: F401
from stores.services.content import (  # noqa: F401
    album_create, album_delete, album_update, media_file_add, media_file_delete,
)
from stores.services.events import (  # noqa: F401
    event_create, event_delete, event_update, schedule_create, schedule_delete, schedule_update,
)
from stores.services.invitations import (  # noqa: F401
    store_agent_invitation_accept, store_agent_invitation_decline, store_agent_invite,
)
from stores.services.stores import (  # noqa: F401
    event_category_create, event_category_delete, event_category_update, store_agent_add, store_agent_remove,
    store_create, store_delete, store_update,
)
from stores.services.references import reference_create, reference_delete, reference_update  # noqa: F401
from stores.services.tickets import (  # noqa: F401
    ticket_admin_save, ticket_create, ticket_delete, ticket_quantity_set, ticket_update,
)
from stores.services.prices import prices_resolve  # noqa: F401
