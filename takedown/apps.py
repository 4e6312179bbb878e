from django.apps import AppConfig


class TakedownConfig(AppConfig):
    name = "takedown"
    verbose_name = "Takedown: routing, notices and tracking"

    def ready(self) -> None:
        from takedown import checks, receivers  # noqa: F401  (registers the check, connects the receivers)
