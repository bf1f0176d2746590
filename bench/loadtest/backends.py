"""An SMS backend for the load test that shows a repeated send instead of hiding it.

``FileSmsBackend`` writes one file per idempotency key and quietly drops a second send with the same key, as a
provider would: good for production, but it would hide the very bug the load test looks for. This subclass
first appends the key to a journal (one line per call to ``send``, with ``O_APPEND`` so two sender processes
never mix their lines), then does what ``FileSmsBackend`` does. The checker (``bench.loadtest.check``) counts
the journal: every key exactly once.
"""

from __future__ import annotations

import os

from koordinator.outbox.backends import FileSmsBackend

JOURNAL_NAME = "journal.log"


class JournalingFileSmsBackend(FileSmsBackend):
    name = "file+journal"

    def send(self, to: str, text: str, idempotency_key: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / JOURNAL_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{idempotency_key}\n".encode())
        finally:
            os.close(fd)
        super().send(to, text, idempotency_key)
