"""A child list read inside its parent's query: the rows of a queryset as one JSON array column.

The record page shows a record's host addresses and latest liveness checks:
a handful of small rows that belong to the record like its own columns.
Rather than one more round trip for each list, the record's query carries
each list as a correlated subquery that builds a JSON array (PostgreSQL
jsonb_agg, SQLite json_group_array), and `rows_from_json` turns it back into
model instances, every concrete field converted by its own field class.
"""

from __future__ import annotations

import json
from datetime import UTC

from django.db import models
from django.db.models import JSONField, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

_TEMPLATES = {
    "postgresql": "COALESCE((SELECT jsonb_agg(t.row) FROM (%(subquery)s) t), '[]'::jsonb)",
    "sqlite": "COALESCE((SELECT json_group_array(json(t.row)) FROM (%(subquery)s) t), '[]')",
}


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields]


class JSONRows(Subquery):
    """`queryset` (filtered on an OuterRef, ordered, sliced as wished) as a JSON array of its rows."""

    def __init__(self, queryset: QuerySet) -> None:
        row = JSONObject(**{f.attname: f.attname for f in _fields(queryset.model)})
        super().__init__(queryset.values(row=row), output_field=JSONField())

    def as_sql(self, compiler, connection, template=None, **extra):
        if connection.vendor not in _TEMPLATES:
            raise NotImplementedError(f"JSONRows has no SQL for {connection.vendor}")
        return super().as_sql(compiler, connection, template=_TEMPLATES[connection.vendor], **extra)


def _value(field: models.Field, value):
    if value is None:
        return None
    if isinstance(field, JSONField):
        # SQLite nests a JSON column as its text; PostgreSQL as JSON.
        return json.loads(value) if isinstance(value, str) else value
    if isinstance(field, models.DateTimeField):
        moment = field.to_python(value)
        return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment
    return field.to_python(value)


def rows_from_json(model: type[models.Model], rows) -> list[models.Model]:
    """Model instances, in the array's order, from what a JSONRows column read."""
    if isinstance(rows, str):
        rows = json.loads(rows)
    fields = _fields(model)
    return [model(**{f.attname: _value(f, row.get(f.attname)) for f in fields}) for row in rows or []]


__all__ = ["JSONRows", "rows_from_json"]
