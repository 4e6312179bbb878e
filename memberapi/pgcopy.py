"""Streaming `COPY (SELECT ...) TO STDOUT` from PostgreSQL, in one read-only snapshot.

The URL list on PostgreSQL: the database writes the answer, a chunk of a
thousand or so lines per row of the COPY (memberapi.exports), and we pass
each chunk on whole, so Python does no work per line and memory stays flat
whatever the list's size. The chunks come in COPY's binary format: the text
exactly as the database wrote it, nothing quoted or escaped on the way.

Messages are read straight from libpq (psycopg's `pgconn`), not through
psycopg's Copy object, which spends a round of Python generators on each one.
The socket is waited on with poll(), so other threads of a gthread worker
run meanwhile.

The download is one transaction, REPEATABLE READ READ ONLY: one snapshot from
the first row to the last. (The position filter already makes the rows those
of one moment; the snapshot makes that true of anything a future column
reads too.) A client that goes away mid-download closes the generator: the
COPY is cancelled, its rest drained and the transaction rolled back, so the
connection goes back clean for the next request.
"""

from __future__ import annotations

import select
from collections.abc import Iterator, Mapping
from typing import Any

from django.db import DatabaseError, connection
from psycopg import ClientCursor, pq

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_HEADER = len(_SIGNATURE) + 8  # flags and header extension length
_TRAILER = b"\xff\xff"


def copy_values(select_sql: str, params: Mapping[str, Any]) -> Iterator[bytes]:
    """The one text column of each row of select_sql, as UTF-8 bytes exactly as stored (NULLs left out).

    COPY's binary format: no quoting or escaping to undo, whatever the text
    holds. Meant for few, large values (a thousand lines of an answer each,
    put together by the database), so Python does next to nothing per line.
    """
    first = True
    for message in _copy(select_sql, params, options="FORMAT binary"):
        data = memoryview(message)
        if first:
            if bytes(data[: len(_SIGNATURE)]) != _SIGNATURE:
                raise DatabaseError("COPY BINARY answered without its signature")
            data, first = data[_HEADER:], False
        if bytes(data) == _TRAILER:
            continue
        # One field: a 16-bit field count, then a 32-bit length (-1: NULL) and the bytes.
        length = int.from_bytes(data[2:6], "big", signed=True)
        if length >= 0:
            yield bytes(data[6 : 6 + length])


def _copy(select_sql: str, params: Mapping[str, Any], *, options: str) -> Iterator[bytes]:
    """Each CopyData message of COPY (select_sql) TO STDOUT WITH (options), in one read-only snapshot."""
    connection.ensure_connection()
    raw = connection.connection
    statement = ClientCursor(raw).mogrify(f"COPY ({select_sql}) TO STDOUT WITH ({options})", params)
    # Inside a transaction already (a test's, or an atomic block), nest in a
    # savepoint: the isolation level is the outer transaction's.
    own = raw.info.transaction_status == pq.TransactionStatus.IDLE
    raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if own else "SAVEPOINT urllist_copy")
    # Rows in the order the plan reads them (see exports._chunks): no Gather to mix them up.
    raw.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    finished = False
    try:
        yield from _read(raw, statement.encode(raw.info.encoding))
        finished = True
    finally:
        if not finished:
            _abandon(raw)
        if own:
            raw.execute("COMMIT" if finished else "ROLLBACK")
        elif finished:
            raw.execute("RELEASE SAVEPOINT urllist_copy")
        else:
            raw.execute("ROLLBACK TO SAVEPOINT urllist_copy")
            raw.execute("RELEASE SAVEPOINT urllist_copy")


def _read(raw, statement: bytes) -> Iterator[bytes]:
    pgconn = raw.pgconn
    pgconn.send_query(statement)
    result = pgconn.get_result()
    if result is None or result.status != pq.ExecStatus.COPY_OUT:
        message = result.get_error_message() if result is not None else b""
        _drain_results(pgconn)
        raise DatabaseError(f"COPY did not start: {message.decode(errors='replace').strip()}")
    poller = select.poll()
    poller.register(pgconn.socket, select.POLLIN)
    get = pgconn.get_copy_data
    while True:
        nbytes, data = get(1)  # async: 0 means no whole message yet
        if nbytes > 0:
            yield data
        elif nbytes == 0:
            poller.poll()
            pgconn.consume_input()
        else:
            break
    final = pgconn.get_result()
    _drain_results(pgconn)
    if final is None or final.status != pq.ExecStatus.COMMAND_OK:
        message = final.get_error_message() if final is not None else b"no result"
        raise DatabaseError(f"COPY failed: {message.decode(errors='replace').strip()}")


def _abandon(raw) -> None:
    """Stop a COPY half read: cancel it on the server and read what is left, so the connection can be used again."""
    pgconn = raw.pgconn
    if pgconn.transaction_status != pq.TransactionStatus.ACTIVE:
        return
    cancel = pgconn.get_cancel()
    cancel.cancel()
    while pgconn.get_copy_data(0)[0] > 0:
        pass
    _drain_results(pgconn)


def _drain_results(pgconn) -> None:
    while pgconn.get_result() is not None:
        pass
