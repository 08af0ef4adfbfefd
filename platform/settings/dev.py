from lhh.embedded import embedded_database_url
from lhh.settings.base import *  # noqa: F403
from lhh.settings.env import database_from_url, envint

DEBUG = True
DATABASES = {
    "default": database_from_url(
        DATABASE_URL or embedded_database_url(),  # noqa: F405
        # runserver serves each request in a thread of its own: a connection kept for
        # reuse stays open with its dead thread, and 20 busy clients ran PostgreSQL out
        # of its 100 connections. The dev run closes each at the request's end.
        conn_max_age=envint("CONN_MAX_AGE", 0),
    )
}
