from __future__ import annotations

from django import template

from takedown import selectors
from takedown.forms import OverrideForm, ReplyForm

register = template.Library()


@register.inclusion_tag("takedown/_panel.html", takes_context=True)
def takedown_panel(context, record) -> dict:
    """The record page's takedown section: route and reason, notices, replies, and the staff forms."""
    panel = selectors.record_panel(record)
    return {
        "panel": panel,
        "record": record,
        "perms": context.get("perms"),
        "csrf_token": context.get("csrf_token"),
        "reply_form": ReplyForm(recipients=panel.reply_recipients, auto_id="reply_%s") if panel else None,
        "override_form": OverrideForm(auto_id="override_%s") if panel else None,
    }


@register.inclusion_tag("takedown/_setup_checklist.html", takes_context=True)
def setup_checklist(context) -> dict:
    """The routing set-up still missing (takedown.setup), for the staff home page and the takedown overview."""
    from takedown.setup import setup_gaps

    return {"setup_gaps": setup_gaps(), "perms": context.get("perms"), "user": context.get("user")}
