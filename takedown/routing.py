"""Routing: who a confirmed criminal address goes to, and why.

    hosted in the home country      → notice to the hosting provider's abuse desk,
                                      law enforcement informed
    hosted where a partner works    → forwarded to that partner hotline
    anywhere else, or unknown       → the law-enforcement channel

The home country is that of the portal the record was first reported
through, else HOME_COUNTRY (reports.selectors.record_home_country).
`route_decide` is a pure decision over the record and the recipients table;
the services in takedown.lifecycle act on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.models import UrlRecord
from reports.selectors import record_home_country
from takedown import contacts
from takedown.models import Recipient, Takedown

Route = Takedown.Route


@dataclass(frozen=True)
class Decision:
    route: str
    recipient: Recipient | None  # None: held until a contact exists (and is approved)
    informed: Recipient | None  # told for information (law enforcement, for home takedowns)
    reason: str


def _network(record: UrlRecord) -> str:
    return record.network_name or "its network"


def route_decide(record: UrlRecord) -> Decision:
    home = record_home_country(record)  # the first report's portal's, else HOME_COUNTRY
    country = (record.country_code or "").upper()
    if country and country == home:
        match = contacts.hosting_contact_for(record)
        police = contacts.law_enforcement_for(country)
        informed = f" {police.name} is informed." if police else " No law-enforcement channel is configured to inform."
        if match is None:
            return Decision(
                Route.HOME,
                None,
                police,
                f"Hosted in {country}, the home country, on {_network(record)}; no approved abuse contact "
                f"covers it yet, so the notice waits until one is found and approved.{informed}",
            )
        return Decision(
            Route.HOME,
            match.recipient,
            police,
            f"Hosted in {country}, the home country: notice to the hosting provider ({match.why}).{informed}",
        )
    if country:
        partner = contacts.partner_for(country)
        if partner is not None:
            return Decision(
                Route.PARTNER, partner, None, f"Hosted in {country}, which partner hotline {partner.name} covers."
            )
        police = contacts.law_enforcement_for(country)
        where = f"Hosted in {country}, where no partner hotline works"
    else:
        police = contacts.law_enforcement_for("")
        where = "The hosting country is unknown"
    if police is None:
        return Decision(
            Route.LAW_ENFORCEMENT,
            None,
            None,
            f"{where}: it goes to law enforcement, but no law-enforcement channel is configured; "
            "it waits until a manager adds one.",
        )
    return Decision(Route.LAW_ENFORCEMENT, police, None, f"{where}: forwarded to law enforcement ({police.name}).")


def recipient_fits_route(recipient: Recipient, route: str) -> bool:
    expected = {
        Route.HOME: Recipient.Kind.HOSTING_PROVIDER,
        Route.PARTNER: Recipient.Kind.PARTNER_HOTLINE,
        Route.LAW_ENFORCEMENT: Recipient.Kind.LAW_ENFORCEMENT,
    }[route]
    return recipient.kind == expected


# The ICCAM action a route's first notice amounts to.
SENT_STATUS = {
    Route.HOME: Takedown.Status.NOTICE_SENT,
    Route.PARTNER: Takedown.Status.FORWARDED_PARTNER,
    Route.LAW_ENFORCEMENT: Takedown.Status.FORWARDED_LAW_ENFORCEMENT,
}
