"""Bounds on work that scales memory: a budget derived from the machine, checked before allocating.

A request whose arrays would not fit is refused with the memory it needs, the budget and how to go further
(a smaller size, a sample, Dask on a cluster), instead of dying with a MemoryError or being killed by the
system. The budget is ``INDUSTWIN_MEMORY`` (e.g. ``8G``, ``500M`` or bytes) or 60 % of the memory the
machine has available when the check runs.
"""

from __future__ import annotations

import os

from industwin.errors import SelectionError

__all__ = ["memory_budget", "check_memory", "largest", "fmt_bytes"]

SHARE_OF_AVAILABLE = 0.6


def _cgroup_room() -> int | None:
    """What a container's memory limit still allows (cgroup v2, then v1), or None without a limit."""
    for limit_f, used_f in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                            ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                             "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            limit = open(limit_f).read().strip()
            if limit == "max" or int(limit) >= 2**60:
                return None
            return max(0, int(limit) - int(open(used_f).read().strip()))
        except (OSError, ValueError):
            continue
    return None


def _available() -> int:
    avail = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    if avail is None:
        try:
            avail = int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):  # pragma: no cover - not a POSIX system
            avail = 8 * 2**30
    room = _cgroup_room()
    return avail if room is None else min(avail, room)


def memory_budget() -> int:
    """Bytes one computation may hold: ``INDUSTWIN_MEMORY`` or 60 % of the available memory."""
    env = os.environ.get("INDUSTWIN_MEMORY", "").strip()
    if env:
        mult = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
        text = env.upper().removesuffix("IB").removesuffix("B") if env.upper()[-2:] in ("GB", "MB", "KB", "TB") \
            or env.upper()[-3:] in ("GIB", "MIB", "KIB", "TIB") else env
        try:
            number, scale = (text[:-1], mult[text[-1].upper()]) if text[-1].upper() in mult else (text, 1)
            value = float(number) * scale
        except ValueError:
            value = float("nan")
        import math
        if not math.isfinite(value) or value <= 0 or value > 2**62:
            raise SelectionError(f"INDUSTWIN_MEMORY={env!r} is not a memory size. Fix: write a positive size such "
                                 "as 8G, 500M or a number of bytes")
        return int(value)
    return int(_available() * SHARE_OF_AVAILABLE)


def fmt_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1024 or unit == "PB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PB"  # pragma: no cover


def largest(bytes_per_unit: float, fixed: float = 0.0) -> int:
    """The largest count of units of ``bytes_per_unit`` that fits the budget beside ``fixed`` bytes."""
    return max(0, int((memory_budget() - fixed) // max(bytes_per_unit, 1.0)))


def check_memory(nbytes: float, what: str, fix: str) -> None:
    """Refuse ``what`` when it would hold more than the memory budget; ``fix`` says how to go further."""
    budget = memory_budget()
    if nbytes > budget and budget < 2**20:
        raise SelectionError(f"{what} would need about {fmt_bytes(nbytes)} of memory, but the budget is "
                             f"{fmt_bytes(budget)} (INDUSTWIN_MEMORY, or the free memory). Fix: raise INDUSTWIN_MEMORY "
                             "or free memory")
    if nbytes > budget:
        raise SelectionError(f"{what} would need about {fmt_bytes(nbytes)} of memory, more than the "
                             f"{fmt_bytes(budget)} this machine can give it (set by INDUSTWIN_MEMORY, default 60 % "
                             f"of the free memory). Fix: {fix}")
