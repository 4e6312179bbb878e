from django.apps import AppConfig


class PortalsConfig(AppConfig):
    name = "portals"
    verbose_name = "Reporting portals"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from portals import checks  # noqa: F401 - registers the middleware-order check
        from portals.models import Portal
        from portals.selectors import portal_changed

        post_save.connect(portal_changed, sender=Portal, dispatch_uid="portals_forget_saved")
        post_delete.connect(portal_changed, sender=Portal, dispatch_uid="portals_forget_deleted")
