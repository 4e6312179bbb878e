from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public web face: the report form, the status page, their languages, rate limits and bot traps.

    The reports domain (reports/: models, address canonical forms, receipts,
    storing a report) knows nothing of HTTP; this app turns requests into
    calls to it and is the top of the layer order (it may read triage's public status).
    """

    name = "publicsite"
    verbose_name = "Public report pages"
