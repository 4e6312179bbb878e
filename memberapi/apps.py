from django.apps import AppConfig


class MemberApiConfig(AppConfig):
    name = "memberapi"
    verbose_name = "Members and the member API"

    def ready(self) -> None:
        from django.conf import settings

        from memberapi import receivers, schema  # noqa: F401  (signal receiver, OpenAPI extension)
        from memberapi.throttling import rate_check

        # A typo in API_RATE_LIMIT must stop the process at start-up, not
        # surface as a server error on the first request.
        rate_check(settings.API_RATE_LIMIT, name="API_RATE_LIMIT")
