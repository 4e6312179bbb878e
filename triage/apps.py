from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Analyst triage"

    def ready(self) -> None:
        from triage import receivers  # noqa: F401  (connects the receivers)
