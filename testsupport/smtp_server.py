"""A real SMTP server on 127.0.0.1 (aiosmtpd) that counts what it accepted and can misbehave.

    server = SmtpServer().start()
    server.fail_next(2)        # the next two messages get "451" after DATA
    server.stall = True        # DATA waits until released, or until the client goes away
    server.count("abuse@example.net")

A message counts as delivered only once the server has answered 250 to its
DATA, as a real mail server commits it; a client that disappears while DATA
stalls has delivered nothing.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(self, _smtp, _session, envelope, address, _rcpt_options) -> str:
        server = self.server
        if server.stall:
            with server.lock:
                server.stalled += 1
            # The sender waits here, mid-conversation and before any of the message
            # has been sent: a sender killed now has delivered nothing. (Stalling
            # after the message's last line would test the documented window
            # instead, where the server holds the whole message and the sender
            # dies before the reply.)
            while server.stall:
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _smtp, _session, envelope) -> str:
        server = self.server
        with server.lock:
            server.data_commands += 1
            if server.failures_left > 0:
                server.failures_left -= 1
                server.refused += 1
                return "451 4.3.0 Temporary failure, try again later"
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with server.lock:
            for rcpt in envelope.rcpt_tos:
                server.messages.append((rcpt.lower(), message))
        return "250 2.0.0 Accepted"


class SmtpServer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[tuple[str, EmailMessage]] = []
        self.failures_left = 0
        self.refused = 0
        self.data_commands = 0
        self.stalled = 0
        self.stall = False
        self.port = _free_port()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self.stall = False
        if self._controller._thread is not None:  # stopping twice is fine (a test may stop it first)
            self._controller.stop()

    def fail_next(self, count: int) -> None:
        with self.lock:
            self.failures_left = count

    def count(self, address: str) -> int:
        with self.lock:
            return sum(1 for rcpt, _ in self.messages if rcpt == address.lower())

    def received(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [message for rcpt, message in self.messages if rcpt == address.lower()]

    def per_recipient(self) -> dict[str, int]:
        with self.lock:
            counts: dict[str, int] = {}
            for rcpt, _ in self.messages:
                counts[rcpt] = counts.get(rcpt, 0) + 1
            return counts
