"""Every test runs against the test database, never the development one."""

from django.db import connection


def test_tests_that_commit_use_the_test_database(django_db_setup, committed):
    assert connection.settings_dict["NAME"].startswith("test_")
