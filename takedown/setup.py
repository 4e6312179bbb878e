"""What a fresh installation still needs before a confirmed record can go anywhere.

Routing (takedown.routing) sends a confirmed record to a hosting provider's
abuse contact at home, a partner hotline abroad, or a law-enforcement channel;
with none of them entered, every takedown waits in "waiting for a contact" and
nothing says why. `setup_gaps()` names each missing piece, what to enter and
where; the staff home page and the takedown overview show it to managers, and
a system check (takedown.checks) warns at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from takedown.models import Recipient

Kind = Recipient.Kind


@dataclass(frozen=True)
class Gap:
    key: str
    title: str  # what is missing
    todo: str  # what to do about it
    admin_url_name: str  # where to do it (an admin URL name)


def setup_gaps() -> list[Gap]:
    """The pieces of routing configuration still missing; [] when a confirmation can go somewhere in every case."""
    usable = Recipient.objects.filter(active=True, approved=True)
    kinds = set(usable.values_list("kind", flat=True).distinct())
    default_police = usable.filter(kind=Kind.LAW_ENFORCEMENT).filter(Q(countries="")).exists()
    gaps = []
    if not settings.HOME_COUNTRY:
        gaps.append(
            Gap(
                "home_country",
                "No home country",
                "Set HOME_COUNTRY (two letters, e.g. GB) in the environment, or a home country on the default portal: "
                "records hosted there get a notice to the hosting provider.",
                "admin:portals_portal_changelist",
            )
        )
    if not default_police:
        gaps.append(
            Gap(
                "law_enforcement",
                "No default law-enforcement channel",
                "Add a law-enforcement channel with no countries listed: it receives what no partner hotline covers, "
                "records whose hosting country is unknown, and escalations.",
                "admin:takedown_lawenforcementcontact_add",
            )
        )
    if Kind.PARTNER_HOTLINE not in kinds:
        gaps.append(
            Gap(
                "partner_hotline",
                "No partner hotlines",
                "Add the partner hotlines (INHOPE members) of the countries you forward to, each with the countries "
                "it covers; without them every foreign record goes to law enforcement.",
                "admin:takedown_partnerhotline_add",
            )
        )
    if Kind.HOSTING_PROVIDER not in kinds:
        gaps.append(
            Gap(
                "abuse_contacts",
                "No approved abuse contacts",
                f"Add hosting providers' abuse contacts for {settings.HOME_COUNTRY or 'your home country'} (address "
                "blocks, AS numbers or network names), or approve those found over RDAP (filter: awaiting approval); "
                "until then records hosted at home wait for a contact.",
                "admin:takedown_hostingprovider_changelist",
            )
        )
    return gaps
