"""Plumbing shared by the benchmark scripts: fresh worker processes, peak memory, limits, the command line.

A measurement runs in its own process (``script --worker TOOL --case CASE``), which prints its numbers as one
JSON line. Memory is the high-water resident set (VmHWM) above the process right after its imports. The parent
watches every worker: it can stop one that grows past a resident-memory cap, that would leave the machine with
too little available memory, or that runs past a wall-clock limit, and says so instead of failing.

Workers may mark their steps on stderr (:func:`step`), so that a stopped run still tells which steps it
finished, in what time and at what peak, and which one it was in when it was stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
GIB = 1024.0  # MB per GiB (the numbers here are MiB)


def _status(key: str, pid: int | str = "self") -> float:
    """A ``/proc/<pid>/status`` field in MiB (0 if absent, e.g. after the process ended)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rss_mb() -> float:
    return _status("VmRSS")


def peak_mb() -> float:
    """High-water RSS of this process image (VmHWM; unlike ru_maxrss it is not inherited
    from the parent across fork/exec)."""
    return _status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Reset this process's high-water RSS to its current RSS (Linux ``clear_refs`` 5); False if not allowed,
    in which case :func:`peak_mb` keeps counting from the start."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def available_mb() -> float:
    """The machine's MemAvailable in MiB."""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return float("inf")


class Steps:
    """Times and peak memory of a worker's steps: ``with steps("name"): ...``.

    Each step's peak is the high-water RSS during that step above ``base`` (the RSS after imports); the
    start and end of each step are written to stderr, so the parent knows them even if it stops the worker.
    """

    def __init__(self, base: float | None = None):
        self.base = rss_mb() if base is None else base
        self.times: dict[str, float] = {}
        self.cpu: dict[str, float] = {}      # process CPU time (user + sys, all threads): steadier on a shared machine
        self.peaks: dict[str, float] = {}
        self._resettable = reset_peak()

    def __call__(self, name: str) -> Steps:
        self._name = name
        return self

    def __enter__(self) -> None:
        if self._resettable:
            reset_peak()
        print(f"STEP-START {json.dumps(self._name)}", file=sys.stderr, flush=True)
        self._c0, self._t0 = time.process_time(), time.perf_counter()

    def __exit__(self, *exc) -> None:
        dt = time.perf_counter() - self._t0
        if exc[0] is None:
            self.times[self._name] = dt
            self.cpu[self._name] = time.process_time() - self._c0
            self.peaks[self._name] = peak_mb() - self.base
            print(f"STEP-END {json.dumps([self._name, dt, self.peaks[self._name]])}", file=sys.stderr, flush=True)

    @property
    def peak(self) -> float:
        """The peak over all steps so far (MiB above ``base``)."""
        return max(self.peaks.values(), default=0.0) if self._resettable else peak_mb() - self.base


@dataclass(frozen=True)
class Limits:
    """When the parent stops a worker: resident memory above ``rss_gib``, the machine's available memory
    below ``avail_gib`` (others share it), or ``wall_s`` seconds. None = no such limit."""

    rss_gib: float | None = None
    avail_gib: float | None = 1.0
    wall_s: float | None = None


def blas_info() -> list[dict]:
    try:
        import scipy.linalg  # noqa: F401  (loads scipy's BLAS too)
        from threadpoolctl import threadpool_info
        return [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "filepath")}
                for d in threadpool_info()]
    except ImportError:
        return []


def _watch(cmd: list[str], limits: Limits) -> dict:
    """Run ``cmd``, polling its RSS; stop it at a limit. Returns rc, stdout, stderr, why (None if it ran out),
    the highest RSS seen, the wall time."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        why, seen = None, 0.0
        while p.poll() is None:
            rss = _status("VmRSS", p.pid)
            seen = max(seen, rss)
            wall = time.perf_counter() - t0
            if limits.rss_gib is not None and rss > limits.rss_gib * GIB:
                why = f"resident memory reached {rss / GIB:.1f} GiB (cap {limits.rss_gib:g} GiB)"
            elif limits.avail_gib is not None and available_mb() < limits.avail_gib * GIB:
                why = (f"the machine's available memory fell below {limits.avail_gib:g} GiB (worker at "
                       f"{rss / GIB:.1f} GiB)")
            elif limits.wall_s is not None and wall > limits.wall_s:
                why = f"wall time reached {wall:.0f} s (limit {limits.wall_s:g} s, worker at {rss / GIB:.1f} GiB)"
            if why:
                p.kill()
                p.wait()
                break
            time.sleep(0.1)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return {"rc": p.returncode, "stdout": out.read(), "stderr": err.read(), "why": why, "seen_mb": seen,
                "wall_s": wall}


def _steps_from(stderr: str) -> tuple[dict, dict, str | None]:
    """Finished steps (times, peaks) and the step in progress, from a worker's STEP-* lines."""
    times, peaks, current = {}, {}, None
    for line in stderr.splitlines():
        if line.startswith("STEP-START "):
            current = json.loads(line[11:])
        elif line.startswith("STEP-END "):
            name, dt, pk = json.loads(line[9:])
            times[name], peaks[name], current = dt, pk, None
    return times, peaks, current


def run(tool: str, case: str, repeat: int, script: str | None = None, result: str = "res_{tool}_{case}.npz",
        limits: Limits | None = None, may_stop: bool = False) -> dict:
    """Run a worker of ``script`` (default: bench_mrio.py) ``repeat`` times in fresh processes; keep the fastest
    run (and its memory). ``result`` names the file (in benchmarks/_work) the worker writes its numbers to.

    With ``may_stop``, a worker stopped at one of ``limits`` is reported rather than fatal: the result then has
    ``stopped`` (why), ``in_step`` (the step it was in), ``after_s`` and the finished steps' times and peaks."""
    script = script or str(HERE / "bench_mrio.py")
    limits = limits or Limits()
    best = None
    for _ in range(repeat):
        cmd = [sys.executable, script, "--worker", tool, "--case", case]
        w = _watch(cmd, limits)
        if w["why"] is not None and may_stop:
            times, peaks, current = _steps_from(w["stderr"])
            return {"stopped": w["why"], "in_step": current, "after_s": w["wall_s"], "times": times,
                    "step_peak_mb": peaks, "peak_mb": w["seen_mb"], "file": None}
        if w["rc"] != 0:
            why = f" (stopped: {w['why']})" if w["why"] else ""
            raise SystemExit(f"{tool} on {case} failed{why}:\n{w['stderr'][-3000:]}")
        res = json.loads(w["stdout"].strip().splitlines()[-1])
        if best is None or sum(res["times"].values()) < sum(best["times"].values()):
            best = res
    best["file"] = str(WORK / result.format(tool=tool, case=case))
    return best


def cli(doc: str, cases: list[str], default_cases: list[str], workers: dict, report, result: str) -> None:
    """The command line shared by the benchmark scripts: ``--case``, ``--repeat`` and the hidden
    ``--worker`` entry point that runs one measurement in a fresh process and prints it as JSON."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", choices=[*cases, "all"], default="all")
    ap.add_argument("--worker", choices=list(workers))
    ap.add_argument("--repeat", type=int, default=2, help="runs per tool; the fastest is reported")
    args = ap.parse_args()
    WORK.mkdir(exist_ok=True)
    if args.worker:
        print(json.dumps(workers[args.worker](args.case, WORK / result.format(tool=args.worker, case=args.case))))
        return
    print_env(args.repeat)
    for case in (default_cases if args.case == "all" else [args.case]):
        report(case, args.repeat)


def print_env(repeat: int) -> None:
    print("BLAS in use (threadpoolctl):")
    for d in blas_info():
        print("  ", d)
    print(f"cores: {os.cpu_count()}; each tool runs {repeat}× in fresh processes, the fastest is reported")


def max_rel(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape:
        return float("nan")
    scale = np.abs(b).max()
    sig = np.abs(b) > 1e-12 * scale
    return float(np.max(np.abs(a - b)[sig] / np.abs(b)[sig])) if sig.any() else 0.0
