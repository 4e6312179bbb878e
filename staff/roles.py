"""The staff roles: which group holds which permissions.

Roles live in code, not in the admin: a fresh `migrate` (or a test database)
always ends with these groups holding exactly these permissions, so nobody
has to click a role together and nobody can quietly widen one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Role:
    key: str
    group: str
    permissions: tuple[str, ...]  # "app_label.codename"


ANALYST = Role("analyst", "Analyst", ("triage.assess_record", "takedown.view_takedowns"))
SENIOR = Role(
    "senior",
    "Senior analyst",
    (
        "triage.assess_record",
        "triage.confirm_assessment",
        "triage.bulk_assess",
        "takedown.view_takedowns",
        "takedown.override_route",
    ),
)
MANAGER = Role(
    "manager",
    "Manager",
    (
        "staff.view_dashboard",
        "staff.view_audit",
        "staff.manage_configuration",
        # Users are added and their names changed in the admin, never deleted:
        # the audit trail keeps pointing at them. Group permissions are code.
        # Roles, passwords, second-factor devices and reactivation change only
        # through a request another manager approves (staff.account_changes);
        # the admin shows them read-only to everyone (staff.admin).
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.view_group",
        "staff.request_account_change",
        "staff.approve_account_change",
        # To find a device; no key or QR code is ever shown (staff.admin).
        "otp_totp.view_totpdevice",
        # Takedown: who notices go to, what they say, and contacts found over RDAP.
        "takedown.view_takedowns",
        "takedown.approve_contact",
        "takedown.view_recipient",
        "takedown.add_recipient",
        "takedown.change_recipient",
        "takedown.view_noticetemplate",
        "takedown.change_noticetemplate",
        "takedown.view_takedown",
        "takedown.view_noticebatch",
        "takedown.view_notice",
        "takedown.view_reply",
        "takedown.view_contactlookup",
        # Member organisations and their API keys (keys are revoked, never deleted).
        "memberapi.add_member",
        "memberapi.change_member",
        "memberapi.view_member",
        "memberapi.add_apikey",
        "memberapi.change_apikey",
        "memberapi.view_apikey",
        # Reporting portals (deactivated, never deleted: reports point at them).
        "portals.add_portal",
        "portals.change_portal",
        "portals.view_portal",
        # Report exchange with partner hotlines (exchange app): switched off, never deleted.
        "exchange.add_exchangepartner",
        "exchange.change_exchangepartner",
        "exchange.view_exchangepartner",
        "exchange.view_forward",
        "exchange.view_forwardevent",
        "exchange.view_inboundforward",
        "exchange.view_statusupdate",
    ),
)
ROLES: dict[str, Role] = {role.key: role for role in (ANALYST, SENIOR, MANAGER)}
# Display order in the top bar: the most senior role a person holds is shown.
ROLE_ORDER = ("Manager", "Senior analyst", "Analyst")


def role_names(user) -> list[str]:
    """The role (group) names a user holds, most senior first."""
    if not getattr(user, "is_authenticated", False):
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [name for name in ROLE_ORDER if name in names]


ROLE_LABEL_SECONDS = 60


def role_label(user) -> str:
    """The top bar's role label, kept a minute in the cache: a query spared on every staff page.

    Display only: what a person may do is always checked against their live permissions.
    """
    if not getattr(user, "is_authenticated", False):
        return "No role"
    key = f"staff:role-label:{user.pk}"
    label = cache.get(key)
    if label is None:
        names = role_names(user)
        label = names[0] if names else "No role"
        cache.set(key, label, ROLE_LABEL_SECONDS)
    return label


def roles_sync(*, using: str = "default") -> None:
    """Create the role groups and give each every permission it should hold that exists.

    Called after every app's post_migrate, so permissions created by later apps
    (triage comes after staff) are attached by the time `migrate` finishes.
    """
    from django.contrib.auth.models import Group, Permission

    for role in ROLES.values():
        group, _ = Group.objects.using(using).get_or_create(name=role.group)
        wanted = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".", 1)
            wanted.extend(Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename))
        # Exactly these: a permission added to a role group by hand is taken away again.
        if {p.pk for p in wanted} != set(group.permissions.values_list("pk", flat=True)):
            group.permissions.set(wanted)
