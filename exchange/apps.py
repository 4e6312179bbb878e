from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = "Report exchange with partner hotlines"

    def ready(self) -> None:
        from exchange import receivers  # noqa: F401  (connects the signal receivers)
