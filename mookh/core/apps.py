from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mookh.core"
    label = "core"
