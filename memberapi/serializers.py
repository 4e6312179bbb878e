"""What the API accepts and answers, for validation and for the OpenAPI schema."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from rest_framework import serializers

from reports.addresses import inline_content_refusal
from reports.models import Report
from triage.public_status import PublicStatus

CATEGORY_CHOICES = ["A", "B", "C", "non_photographic", "unknown"]
REFERENCE = RegexValidator(
    r"\A[A-Za-z0-9][A-Za-z0-9._:-]{0,99}\Z",
    "1 to 100 letters, digits and . _ : - , starting with a letter or digit.",
)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(required=False, help_text="Field by field, for invalid input.")
    address_errors = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="[{index, error}] for each refused address."
    )


class EntrySerializer(serializers.Serializer):
    url = serializers.CharField(required=False, help_text="The canonical form (see the docs); not in the hashed list.")
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}$", help_text="Lowercase hex SHA-256 of the UTF-8 canonical form.")
    category = serializers.ChoiceField(choices=CATEGORY_CHOICES)
    added_at = serializers.DateTimeField()


class ChangeSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=["added", "removed"])
    url = serializers.CharField(required=False, help_text="Not in the hashed list.")
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}$")
    category = serializers.ChoiceField(choices=CATEGORY_CHOICES)
    at = serializers.DateTimeField()


class UrlListSerializer(serializers.Serializer):
    cursor = serializers.RegexField(r"^[0-9]+$", help_text="Pass as ?since= next time to get only what changed.")
    since = serializers.RegexField(r"^[0-9]+$", required=False, help_text="The cursor this answer starts after.")
    entries = EntrySerializer(many=True, required=False, help_text="The whole list (without ?since=).")
    changes = ChangeSerializer(many=True, required=False, help_text="What changed after ?since=, in order.")


class PartnerReportInSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100, validators=[REFERENCE], help_text="Your own reference.")
    addresses = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=4096),
        min_length=1,
        max_length=settings.API_MAX_ADDRESSES,
        help_text="Web addresses as you have them; each is checked and canonicalised.",
    )
    seen = serializers.ChoiceField(choices=Report.Seen.choices, default=Report.Seen.NOT_SURE)
    found_on = serializers.ChoiceField(choices=Report.FoundOn.choices, default=Report.FoundOn.OTHER)
    description = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=settings.REPORT_MAX_DESCRIPTION
    )

    def validate_description(self, value: str) -> str:
        if inline_content_refusal(value):
            raise serializers.ValidationError("The description contains an encoded picture or file; send text only.")
        return value


class AcceptedAddressSerializer(serializers.Serializer):
    index = serializers.IntegerField(min_value=0, help_text="Position in the addresses you sent.")
    url = serializers.CharField()
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}$")


class PartnerReportOutSerializer(serializers.Serializer):
    reference = serializers.CharField()
    hotline_reference = serializers.CharField(help_text="Our reference, for when you write to us.")
    received_at = serializers.DateTimeField()
    addresses = AcceptedAddressSerializer(many=True)


class AddressStatusSerializer(serializers.Serializer):
    url = serializers.CharField()
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}$")
    status = serializers.ChoiceField(choices=PublicStatus.choices)


class PartnerReportStatusSerializer(serializers.Serializer):
    reference = serializers.CharField()
    hotline_reference = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=PublicStatus.choices)
    addresses = AddressStatusSerializer(many=True)
