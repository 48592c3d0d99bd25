"""The one place industwin starts Dask: a client for a scheduler spec, with one BLAS thread per worker process.

Every parallel path (value chains over years, Monte Carlo disruption risk, the ESRI of every firm, all strategy
reports) takes ``scheduler``: ``"distributed"`` starts a ``LocalCluster`` of one process per core for the call;
a ``dask.distributed.Client`` is used as it is, so the same code runs on a cluster (its workers must see the same
``INDUSTWIN_DATA``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from industwin.errors import SelectionError

__all__ = ["BLAS_THREAD_VARS", "dask_client", "one_blas_thread_per_process"]


BLAS_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def one_blas_thread_per_process():
    """Worker processes started inside this block run BLAS on one thread each (unless the user
    set the variables): one process per core is faster than processes fighting over threads.
    Dask's nannies also make glibc return freed memory at once (``MALLOC_TRIM_THRESHOLD_``), which
    turns every array temporary of a numerical loop into fresh page faults; for the local clusters
    started here, arrays under 64 MB are kept in the heap instead."""
    import dask
    saved = {k: os.environ.get(k) for k in BLAS_THREAD_VARS}
    for k in BLAS_THREAD_VARS:
        os.environ.setdefault(k, "1")
    env = "distributed.nanny.pre-spawn-environ"
    cfg = dask.config.set({f"{env}.MALLOC_TRIM_THRESHOLD_": 1 << 27, f"{env}.MALLOC_MMAP_THRESHOLD_": 1 << 26})
    try:
        with cfg:
            yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def dask_client(scheduler: Any, n_workers: int | None = None) -> Iterator[Any]:
    """A ``dask.distributed.Client`` for ``scheduler``: ``"distributed"`` starts a ``LocalCluster`` of ``n_workers``
    processes (default: one per core), one thread and one BLAS thread each, closed when the block ends; a
    ``Client`` passes through."""
    if scheduler == "distributed":
        from dask.distributed import Client, LocalCluster
        workers = max(1, n_workers or os.cpu_count() or 1)
        with one_blas_thread_per_process(), LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                         dashboard_address=":0") as cluster, Client(cluster) as client:
            yield client
    elif hasattr(scheduler, "scatter") and hasattr(scheduler, "gather"):
        yield scheduler
    else:
        raise SelectionError(f"unknown scheduler {scheduler!r}. Fix: None, 'threads', 'processes', 'distributed' or "
                             "a dask.distributed.Client")
