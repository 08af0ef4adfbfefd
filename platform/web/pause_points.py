"""Named points where a recovery test stops a real worker mid-transaction.

A test starts one worker subprocess with `LHH_PAUSE_<NAME>=<file>`; when that worker
reaches `pause_point("<name>")` it writes its pid into the file and waits there, inside
the open transaction, until the test SIGKILLs it (tests/conftest.py `paused_worker`).
Every other process finds the variable unset: a dictionary lookup.
"""

import os
import time
from pathlib import Path


def pause_point(name: str) -> None:
    pause_file = os.environ.get(f"LHH_PAUSE_{name.upper()}")
    if not pause_file:
        return
    Path(pause_file).write_text(str(os.getpid()))
    while True:
        time.sleep(1)
