from django.apps import AppConfig


class PromosConfig(AppConfig):
    name = "promos"
    default_auto_field = "django.db.models.BigAutoField"
