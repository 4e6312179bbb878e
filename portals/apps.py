from django.apps import AppConfig


class PortalsConfig(AppConfig):
    name = "portals"
    verbose_name = "Reporting portals"

    def ready(self) -> None:
        from portals import checks  # noqa: F401 - registers the middleware-order check
