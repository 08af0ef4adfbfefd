"""Log lines that carry the schema they were written in.

The filter reads the schema the database connection is switched to: the union's during
a request routed to it, and during a Celery task queued from it (tenant-schemas-celery
switches before the task runs).
"""

import json
import logging
from datetime import UTC, datetime

from django.db import connection

NO_SCHEMA = "-"


class SchemaFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.schema = getattr(connection, "schema_name", None) or NO_SCHEMA
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log shipper to index by schema."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            # Lines from outside Django (gunicorn's own) pass no SchemaFilter.
            "schema": getattr(record, "schema", NO_SCHEMA),
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
