"""The job queue of the web application: jobs run outside the request, a bounded number at a time, each in its
own process, with progress, cancellation and results stored so a page can be reopened or shared by link.

* **Bounded**: at most ``workers`` jobs run at once (each in a process of its own, forked from a server that
  has imported industwin once); the others wait in the database in the order they came (``queued``), up to
  ``max_queue`` of them — beyond that a new job is refused with a message, never dropped. Memory is thus
  bounded by ``workers`` jobs, whatever the number of users.
* **Identical inputs, one run**: a job whose lens and inputs (uploaded files by their SHA-256) equal a finished
  or running one's is that job (its page opens at once).
* **Nothing lost**: a server stopped with jobs queued or running puts them back in the queue; the next server
  runs them. A job whose process dies (killed, out of memory) is marked failed with that reason.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from industwin.errors import SelectionError
from industwin.web.store import EVERY, TERMINAL, Job, Store, new_id, now

__all__ = ["JobManager", "QueueFull", "job_key"]

PRELOAD = ["industwin.web.worker", "industwin.application.tables", "industwin.application.value_chains",
           "industwin.application.disruption", "industwin.application.sustainability",
           "industwin.application.firms", "industwin.application.strategy"]
DB_INTERVAL = 1.0            # seconds between two progress writes of one job to the database


class QueueFull(SelectionError):
    """More jobs wait than the server accepts."""


def code_version() -> str:
    """The version of the code that computes results: industwin's version and a checksum of its source files
    (so a changed formula never serves a result computed before it)."""
    import industwin
    root = Path(industwin.__file__).parent
    h = hashlib.sha256(industwin.__version__.encode())
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".yaml", ".csv") and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return f"{industwin.__version__}+{h.hexdigest()[:12]}"


def job_key(lens_name: str, values: dict[str, Any], version: str) -> str:
    """The identity of a job's inputs: lens, values (files by checksum: see :meth:`JobManager.submit`) and the
    version of the code that computes it (:func:`code_version`)."""
    text = json.dumps({"lens": lens_name, "values": values, "version": version}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class JobManager:
    """Runs the queued jobs of ``store`` with files under ``home / "jobs" / id``."""

    def __init__(self, store: Store, home: Path, workers: int = 2, max_queue: int = 1000):
        self.store, self.home, self.workers, self.max_queue = store, Path(home), max(1, workers), max_queue
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(PRELOAD)
        self.running: dict[str, tuple[Any, Any]] = {}
        self.live: dict[str, dict[str, Any]] = {}
        self._written: dict[str, float] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Put jobs an earlier server left running back in the queue, and start dispatching."""
        for job in self.store.jobs(status=("running",), limit=100_000, org=EVERY):
            self.store.update_job(job.id, status="queued", step="restarted after the server stopped", done=0.0)
        self._thread = threading.Thread(target=self._loop, name="industwin-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop dispatching; running jobs are stopped and queued again for the next server."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._lock:
            for job_id, (p, conn) in list(self.running.items()):
                _end(p)
                conn.close()
                self.store.update_job(job_id, status="queued", step="restarted after the server stopped", done=0.0)
            self.running.clear()

    def folder(self, job_id: str) -> Path:
        return self.home / "jobs" / job_id

    # -- requests from pages ----------------------------------------------------------------------------------
    def submit(self, lens_name: str, values: dict[str, Any], key: str, user: str, org: str | None = None
               ) -> tuple[Job, bool]:
        """The job for these inputs: an existing one with the same ``key`` (finished or under way), or a new one
        in the queue. Returns the job and whether it is new."""
        same = self.store.finished_with_key(key)
        if same is not None:
            return same, False
        waiting = self.store.count_queued()
        if waiting >= self.max_queue:
            raise QueueFull(f"{waiting} jobs are waiting, the most this server accepts (--max-queue "
                            f"{self.max_queue}). Fix: try again when some have finished, or start the server with "
                            "more workers")
        job = Job(id=new_id(), lens=lens_name, params=values, key=key, created_by=user, org_id=org,
                  status="queued", created_at=now())
        self.folder(job.id).mkdir(parents=True, exist_ok=True)
        self.store.add(job)
        self._wake.set()
        return job, True

    def cancel(self, job_id: str) -> bool:
        """Stop a queued or running job; False when it had already finished."""
        with self._lock:
            job = self.store.get(Job, job_id)
            if job is None or job.status in TERMINAL:
                return False
            if job_id in self.running:
                p, conn = self.running.pop(job_id)
                _end(p)
                conn.close()
            self.store.update_job(job_id, status="cancelled", finished_at=now(), message="cancelled by the user")
            self.live.pop(job_id, None)
            shutil.rmtree(self.folder(job_id), ignore_errors=True)
            return True

    def state(self, job_id: str, job: Job | None = None) -> dict[str, Any] | None:
        """Status and progress of a job: live from its process when this server runs it, else from the
        database (or from ``job`` when the caller has just read it)."""
        live = self.live.get(job_id)
        if live is not None:
            return dict(live)
        job = job or self.store.get(Job, job_id)
        if job is None:
            return None
        return {"status": job.status, "step": job.step, "done": job.done, "total": job.total,
                "message": job.message}

    def position(self, job_id: str) -> int | None:
        """Place of a queued job in the queue (1 = next)."""
        return self.store.queue_position(job_id)

    # -- the dispatcher ---------------------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                with self._lock:
                    self._poll()
                    self._launch()
            except Exception:  # noqa: BLE001 - the dispatcher must outlive a database hiccup
                time.sleep(0.5)
            self._wake.wait(0.05)
            self._wake.clear()

    def _launch(self) -> None:
        from industwin.web.worker import run_job
        free = self.workers - len(self.running)
        if free <= 0:
            return
        for job in self.store.queued(free):
            folder = self.folder(job.id)
            shutil.rmtree(folder, ignore_errors=True)            # a run restarted after a stop starts afresh
            folder.mkdir(parents=True, exist_ok=True)
            recv, send = self.ctx.Pipe(duplex=False)
            p = self.ctx.Process(target=run_job, args=(job.lens, job.params, str(folder), send, os.getpid()),
                                 daemon=True, name=f"industwin-job-{job.id[:8]}")
            p.start()
            send.close()
            self.running[job.id] = (p, recv)
            self.live[job.id] = {"status": "running", "step": "starting", "done": 0.0, "total": None, "message": ""}
            self.store.update_job(job.id, status="running", started_at=now(), step="starting")

    def _poll(self) -> None:
        for job_id, (p, conn) in list(self.running.items()):
            final = None
            try:
                while conn.poll():
                    msg = conn.recv()
                    if msg[0] == "progress":
                        _, step, done, total = msg
                        self.live[job_id].update(step=step, done=done, total=total)
                    else:
                        final = msg
                        break
            except (EOFError, OSError):
                pass
            if final is None and p.is_alive():
                t = time.monotonic()
                if t - self._written.get(job_id, 0.0) >= DB_INTERVAL:
                    self._written[job_id] = t
                    lv = self.live[job_id]
                    self.store.update_job(job_id, step=lv["step"], done=lv["done"], total=lv["total"])
                continue
            if final is None:
                _end(p, 1)
                final = ("failed", f"the job's process ended without a result (exit code {p.exitcode}: stopped by "
                                   "the system, perhaps out of memory). Fix: ask for less, or run it again", 1)
            _end(p)
            conn.close()
            del self.running[job_id]
            self._written.pop(job_id, None)
            if final[0] == "done":
                self.store.update_job(job_id, status="done", result=final[1], finished_at=now(), step="finished",
                                      done=self.live[job_id]["total"] or 1.0)
            else:
                self.store.update_job(job_id, status="failed", message=final[1], finished_at=now(), step="failed")
            self.live.pop(job_id, None)


def _end(p, grace: float = 5.0) -> None:
    """Stop a job's process: wait for it to end (it has sent its result) or terminate it, then kill it if it
    is still there after ``grace`` seconds."""
    p.join(timeout=0.5 if p.is_alive() else 0)
    if p.is_alive():
        p.terminate()
        p.join(timeout=grace)
    if p.is_alive():
        p.kill()
        p.join(timeout=grace)
