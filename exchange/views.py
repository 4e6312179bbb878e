"""The exchange API: partner hotlines forward addresses to us and report back what became of ours.

Both endpoints need a member API key with the `exchange` scope whose member
is set up as an ExchangePartner, a valid signature over the raw body with the
secret shared with that partner, and an Idempotency-Key. The body is
verified before it is parsed. Errors are JSON {"detail": …}; nothing is
changed by a refused request. Not in the OpenAPI schema: partner hotlines
follow docs/exchange.md.
"""

from __future__ import annotations

import json

from django.db import transaction
from rest_framework import status
from rest_framework.response import Response

from exchange import inbound, outbound
from exchange.models import ExchangePartner
from exchange.signing import SignatureError, verify
from memberapi.models import Scope
from memberapi.views import MemberApiView


class ExchangeView(MemberApiView):
    required_scopes = {"POST": Scope.EXCHANGE}
    schema = None  # documented in docs/exchange.md, not the members' OpenAPI schema

    def _verified(self, request) -> tuple[ExchangePartner, str, object] | Response:
        partner = ExchangePartner.objects.filter(member=request.user.member, active=True).first()
        if partner is None:
            return Response(
                {"detail": "Your organisation is not set up for report exchange with us."},
                status=status.HTTP_403_FORBIDDEN,
            )
        body = request.body  # the raw bytes, before anything parses them
        try:
            key = verify(secret=partner.secret, headers=request.headers, body=body)
        except SignatureError as exc:
            return Response({"detail": str(exc)}, status=exc.status)
        try:
            document = json.loads(body)
        except ValueError:
            return Response({"detail": "The body is not JSON."}, status=status.HTTP_400_BAD_REQUEST)
        return partner, key, document


class ForwardsView(ExchangeView):
    """POST /api/v1/exchange/forwards/: a partner forwards addresses hosted in our country."""

    def post(self, request):
        verified = self._verified(request)
        if isinstance(verified, Response):
            return verified
        partner, key, document = verified
        try:
            answer, created = inbound.forward_receive(partner=partner, key=key, document=document)
        except inbound.ForwardInvalid as exc:
            return Response({"detail": str(exc), "item_errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class StatusView(ExchangeView):
    """POST /api/v1/exchange/status/: a partner says what became of addresses we forwarded to it."""

    def post(self, request):
        verified = self._verified(request)
        if isinstance(verified, Response):
            return verified
        partner, _key, document = verified
        updates = document.get("updates") if isinstance(document, dict) else None
        if not isinstance(updates, list) or not 1 <= len(updates) <= 500:
            return Response({"detail": "Send an object with updates: a list of 1 to 500 status updates."}, status=400)
        try:
            parsed = [outbound.update_parse(update) for update in updates]
        except outbound.StatusInvalid as exc:
            return Response({"detail": f"Nothing was applied: {exc}"}, status=status.HTTP_400_BAD_REQUEST)
        results = []
        try:
            # All or nothing, as the module promises: an unknown reference undoes the updates before it.
            with transaction.atomic():
                for update in parsed:
                    result = outbound.status_apply(partner=partner, update=update)
                    results.append({"reference": update.reference, "sequence": update.sequence, "result": result})
        except outbound.StatusInvalid as exc:
            return Response({"detail": f"Nothing was applied: {exc}"}, status=status.HTTP_404_NOT_FOUND)
        return Response({"results": results}, status=status.HTTP_200_OK)
