"""`python -m tests.faults.seed DATABASE_URL`: migrate that database and add a store selling one
ticket type (pay later allowed, stock enough for any stream); prints {"ticket_id": ...} as JSON.
Run in a process of its own, so that the test process keeps its own database."""
import json
import os
import sys
from datetime import timedelta

TICKET_QUANTITY = 1_000_000


def main(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mookh.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from stores.models import Event, EventCategory, Store, StoreType, Ticket
    from users.models import User

    call_command("migrate", verbosity=0)
    owner = User.objects.create_user("faults-owner@example.com", "not-used-Pass-2026", is_verified=True)
    store = Store.objects.create(store_name="Faults", store_type=StoreType.objects.get_or_create(name="events")[0],
                                 owner=owner, country="KE", default_currency="KES")
    event = Event.objects.create(store=store, event_category=EventCategory.objects.create(category_name="Faults"),
                                 event_name="Fault show", event_description="fault injection", is_published=True,
                                 start_date=timezone.now() + timedelta(days=30))
    ticket = Ticket.objects.create(event=event, ticket_name="Regular", ticket_description="Regular ticket.",
                                   prices={"KES": "1000.00"}, ticket_value=1000, quantity=TICKET_QUANTITY,
                                   is_published=True, allow_pay_later=True)
    print(json.dumps({"ticket_id": str(ticket.pk)}))


if __name__ == "__main__":
    main(sys.argv[1])
