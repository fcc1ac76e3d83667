"""Where batches of files are processed: in this process, in a pool of local
worker processes, or on a Dask distributed cluster (:mod:`pipeline.dask_engine`).
What they share (the batch, the error, a worker's work) is in :mod:`pipeline.engine_base`.

Every engine has one method, ``map(batches)``, which yields ``(batch, rows)``
as batches finish, in any order: the manifest puts files back in input
order, so the tables do not depend on the engine or the number of workers.
Each worker builds the pipeline once and keeps it; batches travel as bytes
(:class:`~pipeline.extract.FileTask`) and only plain rows come back.
At most ``2 × workers`` batches are in flight, so memory stays bounded
however large the folder.
"""

from __future__ import annotations

import itertools
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator

from pipeline.engine_base import Batch, EngineError, default_workers, pipeline_for, process_batch_with
from pipeline.extract import process_files
from pipeline.language import PipelineSpec
from pipeline.tables import FileRows

IN_FLIGHT_PER_WORKER = 2


class LocalEngine:
    """``workers`` processes on this machine; one worker runs in this process."""

    def __init__(self, spec: PipelineSpec, workers: int | None = None) -> None:
        self.spec = spec
        self.workers = max(1, workers or default_workers())
        self.pool: ProcessPoolExecutor | None = None

    def map(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[FileRows]]]:
        batches = iter(batches)
        if self.workers == 1:
            nlp = pipeline_for(self.spec)
            for batch in batches:
                yield batch, process_files(nlp, batch)
            return
        first = next(batches, None)
        second = next(batches, None)
        if second is None:
            # One batch of work does not pay for starting worker processes.
            if first is not None:
                yield first, process_files(pipeline_for(self.spec), first)
            return
        self.pool = self._start_pool()
        try:
            yield from self._in_pool(itertools.chain((first, second), batches))
        except BrokenProcessPool:
            raise EngineError("a worker process died (out of memory, or killed); the files finished so "
                              "far are kept in the manifest, and running again resumes from there") from None

    def _in_pool(self, batches: Iterator[Batch]) -> Iterator[tuple[Batch, list[FileRows]]]:
        """Keep at most ``IN_FLIGHT_PER_WORKER`` batches per worker submitted; yield each as it finishes."""
        pending: dict = {}
        for batch in batches:
            pending[self.pool.submit(_process_in_pool, list(batch))] = batch
            if len(pending) < self.workers * IN_FLIGHT_PER_WORKER:
                continue
            for future in wait(pending, return_when=FIRST_COMPLETED).done:
                yield pending.pop(future), future.result()
        for future in as_completed(pending):
            yield pending[future], future.result()

    def _start_pool(self) -> ProcessPoolExecutor:
        import multiprocessing

        # forkserver: workers start from a clean process, not a fork of this
        # one with its threads and open database.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.engines"])
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                   initializer=_init_pool_worker, initargs=(self.spec,))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


_POOL_SPEC: list[PipelineSpec] = []


def _init_pool_worker(spec: PipelineSpec) -> None:
    _POOL_SPEC[:] = [spec]
    pipeline_for(spec)


def _process_in_pool(batch: Batch) -> list[FileRows]:
    return process_batch_with(_POOL_SPEC[0].fingerprint, batch)


def make_engine(name: str, spec: PipelineSpec, workers: int | None = None, scheduler: str | None = None):
    if name == "dask":
        # Imported here: Dask distributed takes half a second to import, and local runs never need it.
        from pipeline.dask_engine import DaskEngine

        return DaskEngine(spec, scheduler=scheduler, workers=workers)
    if scheduler:
        raise EngineError("--scheduler needs --engine dask")
    return LocalEngine(spec, workers=workers)
