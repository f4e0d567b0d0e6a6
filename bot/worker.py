"""The RQ worker of this service: `rq worker -w bot.worker.ContactsWorker imports default`.

RQ forks a fresh work horse for every job. Left alone, each horse would start cold: load the
phone-number metadata of every country it meets, build a database engine and compile every
statement again, about a second per import chunk. This worker warms all of that once in the
parent, so each forked horse inherits it; jobs keep their own process and connections.

A worker that starts also resumes the imports still running: a worker killed mid-chunk leaves
that chunk's job to RQ's abandoned-job check, which only fires a minute or more later; queueing
the import's missing chunks again at once is safe because a chunk counts only once.
"""

from __future__ import annotations

import logging
import os

import phonenumbers
from phonenumbers import PhoneMetadata
from rq import Worker

from bot import runtime

logger = logging.getLogger(__name__)
_warmed = False


def warm_up() -> None:
    """Load what every job needs, once per worker process."""
    global _warmed
    if _warmed:
        return
    rt = runtime.current()
    # A forked horse must not share the parent's pooled connections; it opens its own.
    os.register_at_fork(after_in_child=lambda: rt.engine.dispose(close=False))
    for region in phonenumbers.SUPPORTED_REGIONS:
        PhoneMetadata.metadata_for_region(region)
    from bot.imports.jobs import resume_running_imports

    _warmed = True
    resumed = resume_running_imports()
    logger.info("worker warmed up: database %s; imports resumed: %s",
                rt.engine.url.render_as_string(), resumed or "none")


class ContactsWorker(Worker):
    """An RQ worker that warms the service's caches before its first job."""

    def work(self, *args, **kwargs):
        warm_up()
        return super().work(*args, **kwargs)
