"""Scopes: each view names the scope each method needs; a key without it gets 403."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from memberapi.models import ApiKey


class KeyHasScope(BasePermission):
    """view.required_scopes = {"GET": "urllist:read", ...}; a method not listed is refused."""

    def has_permission(self, request, view) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return False  # unauthenticated: DRF turns this into 401 with the Bearer challenge
        needed = getattr(view, "required_scopes", {}).get(request.method)
        if request.method in ("HEAD", "OPTIONS") and needed is None:
            needed = view.required_scopes.get("GET")
        if needed is None or not api_key.has_scope(needed):
            self.message = f"This API key does not have the {needed or 'needed'} scope."
            return False
        return True
