"""Register the paybill's Confirmation and Validation URLs with Daraja (once per shortcode in
production; in sandbox mode Daraja is answered offline)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from payments.providers import mpesa, mpesa_c2b
from payments.providers.base import ProviderError
from payments.routes import public_url


class Command(BaseCommand):
    help = "Register this API's paybill (C2B) Confirmation and Validation URLs with M-Pesa Daraja."

    def add_arguments(self, parser):
        parser.add_argument("--shortcode", default=None, help="The paybill number (default: MPESA_SHORTCODE).")
        parser.add_argument("--response-type", choices=mpesa_c2b.RESPONSE_TYPES, default="Completed",
                            help="What Daraja does when the Validation URL does not answer: Completed takes the "
                                 "money (the confirmation keeps what no order can take), Cancelled refuses it.")

    def handle(self, *args, shortcode=None, response_type="Completed", **options):
        token = settings.MPESA_CALLBACK_TOKEN
        if not token:
            raise CommandError("Set MPESA_CALLBACK_TOKEN first: it is the secret part of both URLs.")
        confirmation = public_url("payments-callback-paybill-confirmation", token=token)
        validation = public_url("payments-callback-paybill-validation", token=token)
        config = mpesa.mpesa_config_from_settings()
        try:
            answer = mpesa_c2b.register_urls(config, shortcode=shortcode or config.shortcode,
                                             confirmation_url=confirmation, validation_url=validation,
                                             response_type=response_type)
        except (ValueError, ProviderError) as exc:
            raise CommandError(str(exc)) from exc
        mode = "sandbox, answered offline" if config.sandbox else config.base_url
        self.stdout.write(f"Registered with M-Pesa ({mode}) for shortcode {shortcode or config.shortcode}:\n"
                          f"  confirmation {confirmation}\n  validation   {validation}\n"
                          f"  answer {answer}")
