"""The member API's views: thin, each naming the scope it needs (memberapi.permissions)."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from memberapi import selectors, serializers, services
from memberapi.exports import urllist_response
from memberapi.models import Scope
from memberapi.renderers import LIST_RENDERERS

ERROR = OpenApiResponse(serializers.ErrorSerializer)
COMMON_ERRORS = {
    401: OpenApiResponse(serializers.ErrorSerializer, description="No key, or an unknown, expired or revoked one."),
    403: OpenApiResponse(serializers.ErrorSerializer, description="The key lacks the scope."),
    406: OpenApiResponse(serializers.ErrorSerializer, description="No such format."),
    429: OpenApiResponse(serializers.ErrorSerializer, description="Too many requests with this key; see Retry-After."),
}


class MemberApiView(APIView):
    required_scopes: dict[str, str] = {}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:
            # Errors are JSON even when CSV or text was asked for.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
            response.content_type = None
        return response


LIST_PARAMETERS = [
    OpenApiParameter(
        "since", str, description="A cursor from an earlier answer: only what changed after it.", pattern="^[0-9]+$"
    ),
    OpenApiParameter("format", str, enum=["json", "csv", "text"], description="Instead of the Accept header."),
    OpenApiParameter("If-None-Match", str, location=OpenApiParameter.HEADER, description="The ETag you hold."),
]
LIST_RESPONSES = {
    (200, "application/json"): serializers.UrlListSerializer,
    (200, "text/csv"): OpenApiTypes.STR,
    (200, "text/plain"): OpenApiTypes.STR,
    304: OpenApiResponse(description="Unchanged since the ETag given in If-None-Match."),
    400: OpenApiResponse(serializers.ErrorSerializer, description="A cursor this server never gave out."),
    **COMMON_ERRORS,
}


class UrlListView(MemberApiView):
    """The URL list: every confirmed address not yet confirmed gone (scope urllist:read)."""

    renderer_classes = LIST_RENDERERS
    required_scopes = {"GET": Scope.URLLIST_READ}
    hashed = False

    @extend_schema(operation_id="urllist", parameters=LIST_PARAMETERS, responses=LIST_RESPONSES)
    def get(self, request):
        return urllist_response(
            if_none_match=request.headers.get("If-None-Match"),
            hashed=self.hashed,
            fmt=request.accepted_renderer.format,
            since=request.query_params.get("since"),
        )


class HashedUrlListView(UrlListView):
    """The same list as SHA-256 digests of the canonical form, without the addresses."""

    hashed = True

    @extend_schema(operation_id="urllist_hashed", parameters=LIST_PARAMETERS, responses=LIST_RESPONSES)
    def get(self, request):
        return super().get(request)


class PartnerReportsView(MemberApiView):
    required_scopes = {"POST": Scope.REPORTS_WRITE}

    @extend_schema(
        operation_id="reports_create",
        request=serializers.PartnerReportInSerializer,
        responses={
            201: serializers.PartnerReportOutSerializer,
            200: OpenApiResponse(serializers.PartnerReportOutSerializer, description="Sent before: the same answer."),
            400: OpenApiResponse(serializers.ErrorSerializer, description="Invalid; nothing was stored."),
            409: OpenApiResponse(serializers.ErrorSerializer, description="Reference used for a different report."),
            415: ERROR,
            **{k: v for k, v in COMMON_ERRORS.items() if k != 406},
        },
    )
    def post(self, request):
        incoming = serializers.PartnerReportInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            stored, created = services.partner_report_submit(member=request.user.member, **incoming.validated_data)
        except services.AddressesRefused as refused:
            return Response(
                {
                    "detail": "Some addresses were refused; nothing was stored. Fix them and send again.",
                    "address_errors": [{"index": r.index, "error": r.error} for r in refused.refusals],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except services.ReferenceConflict:
            return Response(
                {"detail": "This reference was used for a different report. Use a new reference."},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(stored.response, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PartnerReportDetailView(MemberApiView):
    required_scopes = {"GET": Scope.REPORTS_READ}

    @extend_schema(
        operation_id="reports_status",
        responses={
            200: serializers.PartnerReportStatusSerializer,
            404: OpenApiResponse(serializers.ErrorSerializer, description="None of your reports has it."),
            **{k: v for k, v in COMMON_ERRORS.items() if k != 406},
        },
    )
    def get(self, request, reference: str):
        found = selectors.partner_report_get(member=request.user.member, reference=reference)
        if found is None:
            raise NotFound("None of your reports has this reference.")
        overall, addresses = selectors.partner_report_statuses(found)
        return Response(
            {
                "reference": found.reference,
                "hotline_reference": found.report.reference,
                "received_at": found.response["received_at"],
                "status": overall.value,
                "addresses": [{"url": a.url, "sha256": a.sha256, "status": a.status.value} for a in addresses],
            }
        )


DOCS = "api/index.html"


def docs(request):
    """The hand-written API documentation, a static file (static/api/), at a stable address."""
    path = finders.find(DOCS) or (staticfiles_storage.exists(DOCS) and staticfiles_storage.path(DOCS))
    if not path:
        raise Http404("API documentation missing: run collectstatic")
    return FileResponse(open(path, "rb"), content_type="text/html; charset=utf-8")  # noqa: SIM115 - FileResponse closes it
