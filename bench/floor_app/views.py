from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.views.decorators.http import require_http_methods

from bench.floor_app.models import FloorRow
from bench.floor_app.tasks import floor_noop


@require_http_methods(["GET", "POST"])
def floor(request: HttpRequest) -> HttpResponse:
    """GET: a form with its CSRF token. POST (CSRF-checked by the site's middleware): one row, one task."""
    if request.method == "GET":
        token = escape(get_token(request))
        return HttpResponse(
            '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="'
            + token
            + '"><textarea name="text"></textarea></form>'
        )
    text = request.POST.get("text", "")
    if not text or len(text) > 2000:
        return HttpResponseBadRequest("text: 1 to 2000 characters")
    with transaction.atomic():
        row = FloorRow.objects.create(text=text)
        transaction.on_commit(lambda: floor_noop.apply_async(args=[row.pk]))
    return HttpResponse(f'<p id="reference">F-{row.pk}</p>')
