"""The worker's consumer survives the second close Celery 5.7.0 gives a lost connection.

The sequence of reliability_tests/test_broker_lost_mid_task.py without a
broker: a channel whose first close was cut short by the dead socket (a
connection error, which kombu ignores) and whose second close would restore
unacknowledged messages through a detached transport (AttributeError, which
Celery takes for an unrecoverable error and the worker exits).
"""

from __future__ import annotations

from unittest import mock

import pytest
from celery.worker.consumer import Consumer
from kombu import Connection
from kombu.utils.imports import symbol_by_name

from reportsite.celery import BrokerLossConsumer, app


class CutShortChannel:
    def __init__(self, connection_error: type[Exception]):
        self.connection_error = connection_error
        self.closes = 0

    def close(self) -> None:
        self.closes += 1
        if self.closes == 1:
            raise self.connection_error("Connection closed by server.")
        raise AttributeError("'NoneType' object has no attribute 'hostname'")


def consumer_on_lost_connection(cls: type[Consumer]) -> tuple[Consumer, CutShortChannel]:
    consumer = cls(
        mock.Mock(),
        app=app,
        hostname="test@localhost",
        timer=mock.Mock(),
        hub=None,
        pool=mock.Mock(num_processes=2),
        controller=mock.Mock(),
    )
    connection = Connection("memory://")
    connection.connect()
    channel = CutShortChannel(connection.connection_errors[0])
    connection._default_channel = channel
    consumer.connection = connection
    return consumer, channel


def test_the_worker_uses_the_consumer_that_survives_a_lost_broker():
    assert symbol_by_name(app.conf.worker_consumer) is BrokerLossConsumer


def test_a_lost_connection_is_collected_once_and_its_half_closed_channel_not_closed_again():
    consumer, channel = consumer_on_lost_connection(BrokerLossConsumer)
    consumer.on_connection_error_after_connected(ConnectionError("lost"))
    assert channel.closes == 1
    assert consumer.connection is None


def test_celerys_own_consumer_still_closes_it_again():
    """When this fails, Celery no longer closes a collected connection: BrokerLossConsumer may go."""
    consumer, channel = consumer_on_lost_connection(Consumer)
    with pytest.raises(AttributeError, match="hostname"):
        consumer.on_connection_error_after_connected(ConnectionError("lost"))
    assert channel.closes == 2
