"""`Authorization: Bearer rsk_…`: which member's machine is calling.

Refused with 401: an unknown, malformed, expired or revoked key, or a key of
an inactive member. The key is never logged and never echoed: messages name
the key by its prefix at most. Every accepted request counts one use of the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from memberapi import keys
from memberapi.models import ApiKey, Member
from memberapi.services import api_key_used


@dataclass(frozen=True)
class MemberClient:
    """request.user for an API call: a member's machine, never a staff account."""

    member: Member
    api_key: ApiKey
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def pk(self) -> None:
        # Anything that tries to store request.user (an audit row, a session)
        # gets no id rather than a member's key id posing as a user id.
        return None


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None  # No key at all: the permission check answers 401.
        if header[0].lower() != self.keyword.lower().encode() or len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the key as: Authorization: Bearer <key>.")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This is not an API key.") from None
        if not keys.key_well_formed(key):
            raise exceptions.AuthenticationFailed("This is not an API key.")
        api_key = ApiKey.objects.select_related("member").filter(secret_hash=keys.key_hash(key)).first()
        if api_key is None:
            raise exceptions.AuthenticationFailed("Unknown API key.")
        now = timezone.now()
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key was revoked.")
        if api_key.expires_at <= now:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        if not api_key.member.active:
            raise exceptions.AuthenticationFailed("This member's access is suspended.")
        api_key_used(api_key=api_key, at=now)
        return MemberClient(member=api_key.member, api_key=api_key), api_key

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with this challenge) rather than 403 when no key was sent.
        return f'{self.keyword} realm="api"'
