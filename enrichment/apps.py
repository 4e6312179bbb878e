from django.apps import AppConfig


class EnrichmentConfig(AppConfig):
    name = "enrichment"
    verbose_name = "Enrichment (hosting and liveness)"

    def ready(self) -> None:
        from enrichment import receivers  # noqa: F401  (connects the receivers)
