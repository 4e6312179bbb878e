from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _roles_after_migrate(sender, using="default", **kwargs) -> None:
    from staff.roles import roles_sync

    roles_sync(using=using)


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff: sign-in, roles and audit trail"

    def ready(self) -> None:
        from django.contrib import admin

        from staff import receivers  # noqa: F401  (connects the receivers)
        from staff.admin_site import StaffAdminSite

        # The admin asks for the second factor too, and signs in through our pages.
        admin.site.__class__ = StaffAdminSite
        # The admin's date-and-time fields, each half labelled (staff/templates/staff/admin/).
        from django.contrib.admin.widgets import AdminSplitDateTime

        AdminSplitDateTime.template_name = "staff/admin/split_datetime.html"
        # No sender: runs after every app's post_migrate, so permissions of apps
        # after staff (triage) exist by the last call. It is idempotent and cheap.
        post_migrate.connect(_roles_after_migrate, dispatch_uid="staff.roles_sync")
