from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from notifications.checks import delivery_timing_check, email_backend_check, sms_backend_check

        checks.register(sms_backend_check, "notifications")
        checks.register(email_backend_check, "notifications")
        checks.register(delivery_timing_check, "notifications")
