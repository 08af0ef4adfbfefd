"""The embedded PostgreSQL used when no DATABASE_URL is configured.

pgserver ships PostgreSQL in a wheel and serves it over a Unix socket inside the
project's git-ignored state folder, so a fresh machine needs no database server.
"""

import os

from lhh.settings.env import LOCAL_STATE


def embedded_database_url() -> str:
    runtime = LOCAL_STATE / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    # pgserver (through platformdirs) wants a private runtime folder.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver  # after XDG_RUNTIME_DIR: platformdirs reads it at import

    server = pgserver.get_server(LOCAL_STATE / "pgdata", cleanup_mode=None)
    return server.get_uri()
