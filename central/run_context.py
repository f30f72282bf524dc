"""Which consolidation run the current code is working for, so that every log line can say so.

A run's lines come from several processes (the web process or ``manage.py consolidate`` in-process, the Celery
worker executing the run, the workers doing its per-Kanwil parts). Each of them binds the run id here where it
starts working for a run; the project's log filter (``operations.logs.LogContextFilter``) copies it onto every
record, so ``run_id`` finds all of a run's lines whichever module or library wrote them.

A context variable rather than a thread-local: it follows the code into ``asgiref``'s thread hops and is
restored on exit even when the run raises.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

_current_run_id: ContextVar[int | None] = ContextVar("sdp_consolidation_run_id", default=None)

P = ParamSpec("P")
R = TypeVar("R")


def current_run_id() -> int | None:
    return _current_run_id.get()


@contextmanager
def run_logging(run_id: int) -> Iterator[None]:
    """Log lines written inside the block carry ``run_id``."""
    token = _current_run_id.set(int(run_id))
    try:
        yield
    finally:
        _current_run_id.reset(token)


def logs_run(func: Callable[P, R]) -> Callable[P, R]:
    """For a service taking a keyword-only ``run_id``: everything it logs carries that run id."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with run_logging(kwargs["run_id"]):  # type: ignore[arg-type]
            return func(*args, **kwargs)

    return wrapper
