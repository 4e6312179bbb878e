"""Reporting portals: one installation, several public faces.

A portal is what a reporter sees: its name, an introduction, the local
helpline and support links after a report, a default language; and, for the
hotline, the home country its reports are routed by. A portal is chosen by
the host name a visitor used, or by the path prefix /p/<slug>/ (see
portals.middleware). Everything a manager types here is shown escaped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models, transaction
from django.http.request import host_validation_re, split_domain_port, validate_host
from django.utils.translation import gettext_lazy as _

from portals.languages import languages_offered, missing_safety_messages, portal_language_codes

# Only web links, never javascript:, data: or anything else a browser would act on.
web_url = URLValidator(schemes=["https", "http"])
country_code = RegexValidator(r"^[A-Za-z]{2}$", "Two letters (ISO 3166-1 alpha-2), for example NL.")


@dataclass(frozen=True)
class SupportLink:
    label: str
    url: str


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def host_name_normal(value: str) -> str:
    """A host name as compared: lower case, no port, no trailing dot."""
    host, _port = split_domain_port(value.strip().lower())
    return (host or value.strip().lower()).rstrip(".")


class Portal(models.Model):
    slug = models.SlugField(
        max_length=40, unique=True, help_text="Also the path prefix: this portal is served at /p/<slug>/ too."
    )
    name = models.CharField(max_length=120, help_text="Shown as the site's name in the header and page titles.")
    host_names = models.TextField(
        blank=True,
        help_text="One per line, without port (for example report.example.nl). Each must also be in "
        "ALLOWED_HOSTS, or the site refuses the request before it gets here.",
    )
    intro = models.TextField("introduction", blank=True, help_text="Plain text above the report form.")
    helpline_name = models.CharField(max_length=120, blank=True)
    helpline_phone = models.CharField(max_length=40, blank=True)
    helpline_url = models.URLField("helpline web address", blank=True, validators=[web_url])
    support_links = models.TextField(
        blank=True, help_text='Shown after a report. One link per line: "label | https://address".'
    )
    default_language = models.CharField(
        max_length=16,
        blank=True,
        help_text="Used when the browser states no language preference. Blank: the site's default.",
    )
    extra_languages = models.TextField(
        blank=True,
        help_text="Languages beyond the site-wide ones that this portal also offers, one code a line "
        "(for example uk). Each must be in PORTAL_LANGUAGES and have its safety messages translated.",
    )
    home_country = models.CharField(
        max_length=2,
        blank=True,
        validators=[country_code],
        help_text="Records first reported through this portal are routed as if hosted at home when "
        "hosted here. Blank: the installation's HOME_COUNTRY.",
    )
    is_default = models.BooleanField(
        "default portal",
        default=False,
        help_text="Serves every host name no portal claims. Exactly one portal is the default; "
        "ticking this on another portal moves it there.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            # Exactly one default: at most one here, at least one because the first
            # migration creates it and clean() refuses to take it away.
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_portal"
            ),
            models.CheckConstraint(
                condition=models.Q(active=True) | models.Q(is_default=False), name="default_portal_active"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Moving the default: the old one gives it up in the same transaction, so
        # the unique index never sees two and nobody ever sees none.
        self.home_country = (self.home_country or "").upper()
        with transaction.atomic():
            if self.is_default:
                Portal.objects.filter(is_default=True).exclude(pk=self.pk).update(is_default=False)
            super().save(*args, **kwargs)

    # --- What the pages and routing read ---------------------------------------------
    def host_name_list(self) -> list[str]:
        return [host_name_normal(line) for line in _lines(self.host_names)]

    def support_link_list(self) -> list[SupportLink]:
        links = []
        for line in _lines(self.support_links):
            label, _bar, url = line.rpartition("|")
            links.append(SupportLink(label.strip(), url.strip()))
        return links

    @property
    def helpline_tel(self) -> str:
        """The phone number as a tel: link wants it: digits and a leading +."""
        digits = re.sub(r"[^0-9]", "", self.helpline_phone)
        return f"+{digits}" if self.helpline_phone.strip().startswith("+") else digits

    def extra_language_list(self) -> list[str]:
        return _lines(self.extra_languages)

    @property
    def routing_country(self) -> str:
        return self.home_country or settings.HOME_COUNTRY

    @property
    def language(self) -> str:
        return self.default_language or settings.LANGUAGE_CODE

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything a page shows of the portal changes: a key for drawn fragments."""
        values = [str(field.value_from_object(self)) for field in self._meta.concrete_fields]
        return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:16]

    # --- Validation --------------------------------------------------------------------
    def clean(self) -> None:
        errors: dict[str, list] = {}
        self.home_country = (self.home_country or "").strip().upper()
        self._clean_hosts(errors)
        self._clean_support_links(errors)
        self._clean_extra_languages(errors)
        languages = languages_offered(self)
        if self.default_language and self.default_language not in languages:
            errors.setdefault("default_language", []).append(
                f"Not one of this portal's languages ({', '.join(languages)})."
            )
        if self.is_default and not self.active:
            errors.setdefault("active", []).append("The default portal must stay active.")
        if self.pk and not self.is_default and Portal.objects.filter(pk=self.pk, is_default=True).exists():
            errors.setdefault("is_default", []).append(
                "There must always be a default portal: tick “default portal” on another portal instead."
            )
        if errors:
            raise ValidationError(errors)

    def _clean_hosts(self, errors: dict) -> None:
        hosts = self.host_name_list()
        taken: dict[str, str] = {}
        for other in Portal.objects.exclude(pk=self.pk).only("name", "host_names"):
            taken.update(dict.fromkeys(other.host_name_list(), other.name))
        for host in hosts:
            if not host_validation_re.match(host):
                errors.setdefault("host_names", []).append(f"“{host}” is not a host name.")
            elif host in taken:
                errors.setdefault("host_names", []).append(f"“{host}” already belongs to {taken[host]}.")
            elif not validate_host(host, settings.ALLOWED_HOSTS):
                errors.setdefault("host_names", []).append(
                    f"“{host}” is not in ALLOWED_HOSTS, so the site would refuse it: ask whoever deploys the "
                    "site to add it first."
                )
        if len(set(hosts)) != len(hosts):
            errors.setdefault("host_names", []).append("A host name is listed twice.")
        self.host_names = "\n".join(hosts)

    def _clean_extra_languages(self, errors: dict) -> None:
        codes = [code.lower() for code in self.extra_language_list()]
        allowed = portal_language_codes()
        for code in codes:
            if code not in allowed:
                errors.setdefault("extra_languages", []).append(
                    f"“{code}” is not in PORTAL_LANGUAGES ({', '.join(allowed) or 'none'}): ask whoever deploys "
                    "the site to add it first."
                )
            elif missing := missing_safety_messages(code):
                # A reporter must not get the warning in English while the rest is in their language.
                errors.setdefault("extra_languages", []).append(
                    f"“{code}” cannot be offered yet: its catalogue (locale/{code}/LC_MESSAGES/django.po) does "
                    f"not translate {len(missing)} of the safety messages, for example “{missing[0]}”."
                )
        if len(set(codes)) != len(codes):
            errors.setdefault("extra_languages", []).append("A language is listed twice.")
        self.extra_languages = "\n".join(codes)

    def _clean_support_links(self, errors: dict) -> None:
        for number, line in enumerate(_lines(self.support_links), start=1):
            label, bar, url = line.rpartition("|")
            if not bar or not label.strip():
                errors.setdefault("support_links", []).append(f'Line {number}: write "label | https://address".')
                continue
            try:
                web_url(url.strip())
            except ValidationError:
                errors.setdefault("support_links", []).append(
                    f"Line {number}: only http and https web addresses can be linked."
                )


# Shown in the admin's language menu and checked in clean(); not model choices,
# so a change to settings.LANGUAGES never needs a migration. Every language
# Django knows (site-wide and PORTAL_LANGUAGES): clean() refuses one this
# portal does not offer.
def language_choices() -> list[tuple[str, str]]:
    return [("", _("The site's default"))] + [(code, name) for code, name in settings.LANGUAGES]
