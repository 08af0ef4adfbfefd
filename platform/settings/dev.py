from lhh.embedded import embedded_database_url
from lhh.settings.base import *  # noqa: F403
from lhh.settings.env import database_from_url

DEBUG = True
DATABASES = {
    "default": database_from_url(
        DATABASE_URL or embedded_database_url(),  # noqa: F405
        conn_max_age=CONN_MAX_AGE,  # noqa: F405
    )
}
