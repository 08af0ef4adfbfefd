"""Files handed to a person or a program as downloads."""

from urllib.parse import quote

from anyascii import anyascii


def attachment_disposition(filename: str) -> str:
    """A `Content-Disposition` naming the file as RFC 6266 asks: an ASCII `filename` for old
    clients and the exact name in `filename*`, which browsers and generated API clients read."""
    fallback = anyascii(filename).replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
