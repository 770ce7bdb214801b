from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top layer: the demo tenant and its generators; it may import any app, none imports it."""

    name = "demo"
    verbose_name = "Demo data"
