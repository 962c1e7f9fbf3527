"""A system check that stops runserver, migrate and `manage.py check` without a ticket signing key."""
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register("tickets")
def ticket_signing_key_check(app_configs=None, **kwargs):
    from tickets.keys import ticket_keys

    try:
        ticket_keys()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="tickets.E101")]
    return []
