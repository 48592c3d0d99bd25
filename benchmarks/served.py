"""``industwin serve`` for the benchmarks (bench_web.py, bench_dataspace.py): started as a user would on a free
loopback port, its output in a file (a pipe nobody reads would block it), its resident memory with its job
processes sampled every 0.1 s; and the percentiles the benchmarks print."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil

EXE = Path(sys.executable).with_name("industwin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(xs: list[float], q: float) -> float:
    """The ``q``-th percentile of ``xs`` (nearest rank)."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q / 100 * (len(xs) - 1)))]


class Server:
    """``industwin serve --home home *args`` on loopback; ``peak_mb`` (server and job processes) is sampled while
    it runs, ``idle_mb`` is what it held once it answered."""

    def __init__(self, home: Path, *args: str):
        self.home, self.port = Path(home), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.home / "server.log"
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen([str(EXE), "serve", "--port", str(self.port), "--home", str(self.home),
                                          *args], stdout=out, stderr=subprocess.STDOUT)
        self.peak_mb, self._stop = 0.0, threading.Event()
        t0 = time.monotonic()
        while time.monotonic() - t0 < 60:
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
            if self.proc.poll() is not None:
                sys.exit(f"industwin serve exited: {self.log.read_text()[-2000:]}")
        else:
            self.proc.kill()
            sys.exit("industwin serve did not answer within 60 s")
        self.idle_mb = self.rss_mb()
        self._t = threading.Thread(target=self._sample, daemon=True)
        self._t.start()

    def rss_mb(self) -> float:
        """Resident memory of the server and every process it started (job processes, the fork server)."""
        try:
            p = psutil.Process(self.proc.pid)
            procs = [p, *p.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0.0
        total = 0
        for q in procs:
            try:
                total += q.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total / 2**20

    def cpu_s(self) -> float:
        """CPU seconds of the server process (user + system) so far."""
        try:
            t = psutil.Process(self.proc.pid).cpu_times()
            return t.user + t.system
        except psutil.NoSuchProcess:
            return 0.0

    def hwm_mb(self) -> float:
        """The server process's own high-water resident set (VmHWM)."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, self.rss_mb())
            time.sleep(0.1)

    def close(self) -> None:
        self._stop.set()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
