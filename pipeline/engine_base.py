"""What every engine shares: the batch, the error, and the work of one worker
process (build the pipeline once per spec, then process batches with it).

:mod:`pipeline.engines` (this process and local worker processes) and
:mod:`pipeline.dask_engine` (Dask distributed) both build on this module; it
imports neither, so a Dask worker that unpickles :func:`process_batch_with`
loads only this module and the pipeline.
"""

from __future__ import annotations

import os
import threading
from typing import Iterable, Iterator, Protocol

from threadpoolctl import threadpool_limits

from pipeline.extract import process_files
from pipeline.ingest import FileTask
from pipeline.language import PipelineSpec
from pipeline.tables import FileRows

Batch = list[FileTask]

# The pipelines this process has built, by fingerprint: a worker builds each once.
_PIPELINES: dict[str, object] = {}
_LOCK = threading.Lock()
LOADS = {"count": 0}


class EngineError(RuntimeError):
    """The engine cannot start or lost its workers; the message says what to do."""


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def pipeline_for(spec: PipelineSpec):
    with _LOCK:
        nlp = _PIPELINES.get(spec.fingerprint)
        if nlp is None:
            # A worker is one core: the recogniser's BLAS would otherwise start a
            # thread per core in every worker, and --workers N would use N squared.
            threadpool_limits(limits=1, user_api="blas")
            _PIPELINES.clear()
            nlp = _PIPELINES[spec.fingerprint] = spec.build()
            LOADS["count"] += 1
        return nlp


def process_batch_with(fingerprint: str, batch: Batch) -> list[FileRows]:
    """A worker's task: the pipeline was built when the worker joined."""
    with _LOCK:
        nlp = _PIPELINES.get(fingerprint)
        if nlp is None:
            raise EngineError("this worker has no pipeline: it joined without the infra-extract plugin")
        # One batch at a time per process: a memory zone is not safe across threads.
        return process_files(nlp, batch)


def pipeline_loads() -> int:
    """How many pipelines this process has built (a test checks it is one per worker)."""
    return LOADS["count"]


class Engine(Protocol):
    def map(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[FileRows]]]: ...

    def close(self) -> None: ...
