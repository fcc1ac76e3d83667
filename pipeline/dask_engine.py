"""The Dask engine: batches as tasks on Dask distributed (``--engine dask``).

Imported only when asked for; it needs the ``dask`` extra
(``pip install 'infra-extract[dask]'``).
"""

from __future__ import annotations

import itertools
from typing import Iterable, Iterator

try:
    from distributed import Client, LocalCluster, as_completed
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - the message says what to install
    from pipeline.engine_base import EngineError

    raise EngineError("--engine dask needs Dask distributed: pip install 'infra-extract[dask]'") from None

from pipeline.engine_base import Batch, EngineError, default_workers, pipeline_for, process_batch_with
from pipeline.language import PipelineSpec
from pipeline.tables import FileRows

# A task reaches a Dask worker through the scheduler: a deeper queue keeps
# workers busy while the client stores the rows of finished batches.
IN_FLIGHT_PER_WORKER = 4
LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}


class DaskEngine:
    """Batches as tasks on Dask distributed: an existing cluster at
    ``scheduler`` (``tcp://host:port``), or a LocalCluster of ``workers``
    single-threaded processes on this machine."""

    def __init__(self, spec: PipelineSpec, scheduler: str | None = None, workers: int | None = None) -> None:
        self.spec = spec
        self.cluster = None
        try:
            if scheduler:
                # Dask's own setting bounds the wait: distributed.comm.timeouts.connect
                # (DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT), 30 s unless set.
                self.client = Client(scheduler)
            else:
                import dask

                # Dask's worker profiler samples the running task's stack every
                # 10 ms; on pure-Python work that costs a share of every core.
                with dask.config.set(LOCAL_CLUSTER_CONFIG):
                    self.cluster = LocalCluster(n_workers=max(1, workers or default_workers()), threads_per_worker=1,
                                                processes=True, host="127.0.0.1", dashboard_address=None)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            self.close()
            where = scheduler or "a local cluster"
            raise EngineError(f"cannot connect to the Dask scheduler at {where}: {exc}") from None
        self.client.register_plugin(PipelinePlugin(spec), name="infra-extract-pipeline")
        self.workers = len(self.client.scheduler_info()["workers"]) or 1

    def map(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[FileRows]]]:
        batches = iter(batches)
        pending: dict = {}

        def submit(batch: Batch):
            future = self.client.submit(process_batch_with, self.spec.fingerprint, list(batch), pure=False)
            pending[future] = batch
            return future

        first = [submit(batch) for batch in itertools.islice(batches, self.workers * IN_FLIGHT_PER_WORKER)]
        # Results are gathered by Dask's event loop as tasks finish, while this
        # thread stores the previous ones; each finished batch lets one more in.
        finished = as_completed(first, with_results=True)
        for future, rows in finished:
            yield pending.pop(future), rows
            following = next(batches, None)
            if following is not None:
                finished.add(submit(following))

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self.cluster is not None:
            self.cluster.close()


class PipelinePlugin(WorkerPlugin):
    """Builds the pipeline once on every worker, including workers that join later."""

    def __init__(self, spec: PipelineSpec) -> None:
        self.spec = spec

    def setup(self, worker) -> None:
        pipeline_for(self.spec)
