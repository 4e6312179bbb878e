"""Log formatting that cannot leak a reporter's identity.

Django attaches the request to some log records (`record.request`), and a
formatter or handler that prints extras would then write the client's
address, browser and referring page. The filter drops those attributes before
any handler sees the record, and the JSON formatter prints fixed fields only.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class ScrubRequestFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for name in ("request", "scope"):
            if hasattr(record, name):
                setattr(record, name, None)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
