"""Notices by email: Django's email framework, with the lines as a CSV attachment.

The Message-ID is derived from the batch's idempotency key
(`<{key}@reportsite>`), the same on every attempt, so a receiver that got a
repeat (see delivery.py for when that can happen) can recognise and drop it.
The backend is the console one in development, SMTP when EMAIL_HOST is set.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from takedown.models import NoticeBatch
from takedown.notices.render import Rendered, lines_csv


class MailError(Exception):
    """The message cannot be sent as things stand (no address); retried like any failure."""


def message_id(batch: NoticeBatch) -> str:
    return f"<{batch.key}@reportsite>"


def notice_message(batch: NoticeBatch, rendered: Rendered) -> EmailMessage:
    recipient = batch.recipient
    if not recipient.email:
        raise MailError(f"{recipient.name} has no email address any more")
    message = EmailMessage(
        subject=rendered.subject,
        body=rendered.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        reply_to=list(settings.NOTICE_REPLY_TO) or None,
        headers={"Message-ID": message_id(batch)},
    )
    message.attach(f"notice-{batch.key}.csv", lines_csv(rendered.lines), "text/csv")
    return message


def email_send(batch: NoticeBatch, rendered: Rendered) -> None:
    """Send the notice; raises on any failure (refused, unreachable, timed out)."""
    message = notice_message(batch, rendered)
    # fail_silently=False: a failure must reach delivery, which retries it.
    with get_connection(fail_silently=False) as connection:
        if connection.send_messages([message]) != 1:
            raise MailError("the mail server did not take the message")
