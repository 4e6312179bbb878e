"""The feeds' views: thin, behind the member API's keys, scopes and per-key rate limits.

Each request is authenticated, scope-checked, throttled and counted on its
key exactly like the URL list download (memberapi.authentication), and each
reads the list as of one position (feeds.selectors).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.urls import reverse
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.renderers import BaseRenderer, JSONRenderer

from feeds import misp, rpz, selectors, stix
from feeds.identifiers import COLLECTION_ID, event_day, stix_time, stix_time_parse
from memberapi.exports import _etag_matches
from memberapi.models import Scope
from memberapi.streams import _pieces
from memberapi.views import MemberApiView

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
PAGE_MAX = 1000  # objects per TAXII page, whatever `limit` asks for


def _cached(response: HttpResponse, etag: str, if_none_match: str | None) -> HttpResponse:
    if _etag_matches(if_none_match, etag):
        response = HttpResponseNotModified()
    response["ETag"] = etag
    return response


class AnyRenderer(BaseRenderer):
    """The feeds answer in their one format whatever Accept says (resolvers' cron jobs, MISP)."""

    media_type = "*/*"
    format = "feed"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b"" if data is None else json.dumps(data).encode()


class FeedView(MemberApiView):
    renderer_classes = [AnyRenderer]
    # Left out of the OpenAPI schema: these are files in other standards' formats,
    # documented in docs/feeds.md and on /api/v1/docs/.
    schema = None


# --- RPZ ---------------------------------------------------------------------


class RpzZoneView(FeedView):
    """The RPZ zone file (scope feeds:rpz)."""

    required_scopes = {"GET": Scope.FEED_RPZ}

    def get(self, request):
        position = selectors.feed_position()
        serial = selectors.rpz_serial_at(position)
        target = hashlib.sha256(rpz.splash_target().encode()).hexdigest()[:8]
        etag = f'"rpz-{serial}-{target}"'
        if _etag_matches(request.headers.get("If-None-Match"), etag):
            return _cached(HttpResponse(), etag, request.headers.get("If-None-Match"))
        zone = rpz.zone_render(domains=selectors.rpz_domains_at(position), serial=serial, position=position)
        response = HttpResponse(zone, content_type="text/dns; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="rpz.zone"'
        response["X-Cursor"] = str(position)
        return _cached(response, etag, None)


# --- MISP --------------------------------------------------------------------


class MispManifestView(FeedView):
    required_scopes = {"GET": Scope.FEED_MISP}

    def get(self, request):
        position = selectors.feed_position()
        etag = f'"misp-manifest-{position}"'
        if _etag_matches(request.headers.get("If-None-Match"), etag):
            return _cached(HttpResponse(), etag, request.headers.get("If-None-Match"))
        body = misp.manifest(selectors.misp_days_at(position))
        return _cached(_json(body, "application/json"), etag, None)


class MispHashesView(FeedView):
    required_scopes = {"GET": Scope.FEED_MISP}

    def get(self, request):
        position = selectors.feed_position()
        etag = f'"misp-hashes-{position}"'
        if _etag_matches(request.headers.get("If-None-Match"), etag):
            return _cached(HttpResponse(), etag, request.headers.get("If-None-Match"))
        body = _pieces(misp.hashes(selectors.misp_hashes_at(position)))
        return _cached(StreamingHttpResponse(body, content_type="text/csv; charset=utf-8"), etag, None)


class MispEventView(FeedView):
    required_scopes = {"GET": Scope.FEED_MISP}

    def get(self, request, event: str):
        day = event_day(event)
        if day is None:
            raise NotFound("No such event in this feed.")
        position = selectors.feed_position()
        etag = f'"misp-event-{event}-{position}"'
        if _etag_matches(request.headers.get("If-None-Match"), etag):
            return _cached(HttpResponse(), etag, request.headers.get("If-None-Match"))
        stays = selectors.misp_day_at(day, position)
        if not stays:
            raise NotFound("No such event in this feed.")
        return _cached(_json(misp.event(day, stays), "application/json"), etag, None)


def _json(body, content_type: str) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type=content_type)


# --- TAXII 2.1 -----------------------------------------------------------------


class TaxiiRenderer(JSONRenderer):
    # Matches `application/taxii+json;version=2.1`, plain `application/taxii+json` and */*;
    # anything else (application/json included) is 406, as TAXII 2.1 (1.6.8) says.
    media_type = "application/taxii+json"
    format = "taxii"


class TaxiiView(MemberApiView):
    renderer_classes = [TaxiiRenderer]
    schema = None  # TAXII 2.1 is its own specification (see FeedView)
    required_scopes = {"GET": Scope.FEED_TAXII}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code < 400 and isinstance(response, HttpResponse):
            response["Content-Type"] = TAXII_MEDIA_TYPE
        return response


def _taxii(body: dict, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type=TAXII_MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _api_root(request) -> str:
    return request.build_absolute_uri(reverse("feeds:taxii-root"))


class TaxiiDiscoveryView(TaxiiView):
    def get(self, request):
        root = _api_root(request)
        return _taxii(
            {
                "title": f"{settings.HOTLINE_NAME} TAXII",
                "description": "The URL list as STIX 2.1 indicators, for members.",
                "default": root,
                "api_roots": [root],
            }
        )


class TaxiiApiRootView(TaxiiView):
    def get(self, request):
        return _taxii(
            {
                "title": f"{settings.HOTLINE_NAME} URL list",
                "versions": [TAXII_MEDIA_TYPE],
                "max_content_length": 0,  # nothing can be added here
            }
        )


def _collection() -> dict:
    return {
        "id": COLLECTION_ID,
        "title": "URL list",
        "description": "Confirmed child sexual abuse material addresses; a removed address is a revoked indicator.",
        "can_read": True,
        "can_write": False,
        "media_types": [stix.MEDIA_TYPE],
    }


class TaxiiCollectionsView(TaxiiView):
    def get(self, request):
        return _taxii({"collections": [_collection()]})


def _collection_check(collection: str) -> None:
    if collection != COLLECTION_ID:
        raise NotFound("No such collection.")


class TaxiiCollectionView(TaxiiView):
    def get(self, request, collection: str):
        _collection_check(collection)
        return _taxii(_collection())


def _page_query(request) -> tuple[datetime | None, int, str, bool]:
    """(after, limit, which version, empty) from added_after, next, limit and match[...]."""
    params = request.query_params
    after = None
    if "added_after" in params:
        after = stix_time_parse(params["added_after"])
        if after is None:
            raise ParseError("added_after must be a timestamp such as 2026-01-31T12:00:00.000Z.")
    if params.get("next"):
        cursor = stix_time_parse(params["next"])
        if cursor is None:
            raise ParseError("next must be the value from an earlier answer.")
        after = cursor if after is None else max(after, cursor)
    try:
        limit = int(params.get("limit", PAGE_MAX))
    except ValueError:
        raise ParseError("limit must be a positive whole number.") from None
    if limit < 1:
        raise ParseError("limit must be a positive whole number.")
    which = params.get("match[version]", "last")
    if which not in ("last", "first", "all"):
        raise ParseError("match[version] may be last, first or all here.")
    wanted_types = params.get("match[type]")
    wanted_specs = params.get("match[spec_version]")
    empty = (wanted_types is not None and "indicator" not in wanted_types.split(",")) or (
        wanted_specs is not None and "2.1" not in wanted_specs.split(",")
    )
    return after, min(limit, PAGE_MAX), which, empty


def _page(request) -> tuple[list[selectors.Version], bool]:
    selectors.feed_position()  # number what has committed, so this page sees it
    after, limit, which, empty = _page_query(request)
    if empty:
        return [], False
    versions = selectors.versions_after(after=after, limit=limit + 1, which=which)
    return versions[:limit], len(versions) > limit


def _page_envelope(versions: list[selectors.Version], more: bool, key: str, items: list[dict]) -> HttpResponse:
    body: dict = {"more": more}
    if more:
        body["next"] = stix_time(versions[-1].added)
    if items:
        body[key] = items
    headers = {}
    if versions:
        headers["X-TAXII-Date-Added-First"] = stix_time(versions[0].added)
        headers["X-TAXII-Date-Added-Last"] = stix_time(versions[-1].added)
    return _taxii(body, headers)


class TaxiiObjectsView(TaxiiView):
    """Get Objects (TAXII 2.1, 5.4): an envelope of indicators, oldest date added first."""

    def get(self, request, collection: str):
        _collection_check(collection)
        versions, more = _page(request)
        return _page_envelope(versions, more, "objects", [stix.indicator(v) for v in versions])


class TaxiiManifestView(TaxiiView):
    """Get Object Manifests (TAXII 2.1, 5.3): which versions there are, without the objects."""

    def get(self, request, collection: str):
        _collection_check(collection)
        versions, more = _page(request)
        items = [
            {
                "id": stix.indicator_id(v.listing_id),
                "date_added": stix_time(v.added),
                "version": stix_time(v.added),
                "media_type": stix.MEDIA_TYPE,
            }
            for v in versions
        ]
        return _page_envelope(versions, more, "objects", items)
