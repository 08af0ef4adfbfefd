"""Imported by every bench script before Django sets up: takes bench/ off sys.path.

Python puts a script's own folder first on sys.path, and there bench/api.py would be
imported in place of the project's `api` app (the project itself is installed in the
virtualenv, so nothing else is needed to import it).
"""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]
