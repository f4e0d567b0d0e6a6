"""Background jobs: RQ on Redis when REDIS_URL is set, otherwise the same function in-process."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot import runtime

logger = logging.getLogger(__name__)

QUEUES = ("imports", "default")


def redis_connection():
    """A Redis client for REDIS_URL (None in the embedded mode)."""
    url = runtime.current().config.redis_url
    if not url:
        return None
    from redis import Redis

    return Redis.from_url(url)


def enqueue(func: Callable, *args, queue: str = "default", retries: int = 3,
            timeout: int = 3600, on_failure: Callable | None = None) -> str | None:
    """Run `func(*args)` as a job on `queue`; return the RQ job id, or None when run inline.

    In the embedded mode the function runs here and now; if it raises, `on_failure` is
    told and the error propagates. A job on RQ is retried `retries` times, also when its
    worker died mid-way, and `on_failure` is called once retries are spent.
    """
    connection = redis_connection()
    if connection is None:
        try:
            func(*args)
        except Exception as error:
            if on_failure is not None:
                on_failure(_InlineJob(args), None, type(error), error, None)
            raise
        return None
    from rq import Callback, Queue, Retry

    job = Queue(queue, connection=connection).enqueue(
        # No retry interval: a delayed retry needs a worker running RQ's scheduler.
        func, *args, retry=Retry(max=retries),
        job_timeout=timeout, failure_ttl=7 * 24 * 3600,
        on_failure=Callback(on_failure) if on_failure else None,
    )
    return job.id


class _InlineJob:
    """What a failure callback reads of a job that ran in-process."""

    def __init__(self, args: tuple) -> None:
        self.args = args
