"""What the log keeps of a request that went wrong."""

import logging


class TracebackOnlyForServerErrors(logging.Filter):
    """A 403, a 404 or a bad Host header is the client's doing: one line says enough. Only a
    500 (or a record about no response at all) keeps its traceback, for someone to fix."""

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
