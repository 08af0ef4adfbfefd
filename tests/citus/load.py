"""Reads and writes on two unions' sites over HTTP while something happens to one of
them (a move between workers): every answer is recorded with its time, its status and
whether it carried the right union's content. Used by the move test and bench/cluster.py.
"""

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field


@dataclass
class Answer:
    kind: str  # "read-a", "read-b", "write-a"
    started: float
    ended: float
    status: int
    right_content: bool
    detail: str = ""


@dataclass
class SiteLoad:
    """Threads reading union A's and B's news over the API and writing A's member counts."""

    port: str
    host_a: str
    host_b: str
    sentinel_a: str
    sentinel_b: str
    token_a: str
    organisation_a: int
    answers: list[Answer] = field(default_factory=list)
    last_written: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _call(self, host: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Host": host, "Accept": "application/json"}
        data = None
        if body is not None:
            headers |= {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token_a}",
            }
            data = json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data, headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError as error:
            return 0, str(error)

    def _record(self, answer: Answer) -> None:
        with self._lock:
            self.answers.append(answer)

    def _reader(self, kind: str, host: str, mine: str, other: str) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            status, text = self._call(host, "/api/v1/news/?page_size=50")
            right = status == 200 and mine in text and other not in text
            self._record(Answer(kind, started, time.monotonic(), status, right, text[:200]))

    def _writer(self) -> None:
        members = 1000
        while not self._stop.is_set():
            members += 1
            started = time.monotonic()
            status, text = self._call(
                self.host_a,
                "/api/v1/member-counts/",
                {"organisation": self.organisation_a, "period": "2021-1", "members": members},
            )
            right = status == 201 and f'"members":{members}' in text.replace(" ", "")
            if right:
                self.last_written = members
            self._record(Answer("write-a", started, time.monotonic(), status, right, text[:200]))

    def start(self) -> None:
        self._threads = [
            threading.Thread(
                target=self._reader, args=("read-a", self.host_a, self.sentinel_a, self.sentinel_b)
            ),
            threading.Thread(
                target=self._reader, args=("read-b", self.host_b, self.sentinel_b, self.sentinel_a)
            ),
            threading.Thread(target=self._writer),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=90)

    def longest_write(self, start: float, end: float) -> float:
        """The longest time a write of A waited, among those in flight during [start, end]:
        the window in which A's writes were blocked, as its site saw it."""
        durations = [
            a.ended - a.started
            for a in self.answers
            if a.kind == "write-a" and a.ended >= start and a.started <= end
        ]
        return max(durations, default=0.0)

    def wrong(self) -> list[Answer]:
        return [a for a in self.answers if a.status != 0 and not a.right_content]
