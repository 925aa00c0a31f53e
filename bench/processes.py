"""Whole-process timing shared by the benches: what a user waits for, paired with a baseline in the same run."""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# A child's ru_maxrss also counts the image it was forked from, so the (large) benchmark process
# never forks the measured commands itself: a bare `python -S` launcher (smaller than either
# measured process) forks, execs, times and wait4()s them, and prints "wall_seconds maxrss_kib rc".
LAUNCHER = """
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


PACKAGES = ("amx_core", "amx_cli", "amx_tui")
_compiled = False


def compile_project() -> None:
    """Byte-compile the project once, as pip does when it installs a package (and `make` after its editable
    install): where PYTHONDONTWRITEBYTECODE is set, every measured process would otherwise compile the
    project from source while its baselines (the standard library, site-packages) load bytecode."""
    global _compiled
    if not _compiled:
        root = Path(__file__).resolve().parents[1]
        subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(root / p) for p in PACKAGES)], check=True)
        _compiled = True


def measure(command: Sequence[str], env: Mapping[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run of `command` (stdout discarded), the project byte-compiled."""
    compile_project()
    done = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, *command], env=dict(env), capture_output=True, text=True
    )
    wall, peak, code = done.stdout.split()
    if code != "0":
        raise SystemExit(f"{list(command)} failed: {done.stderr}")
    return float(wall), int(peak)


@dataclass(frozen=True)
class Paired:
    """Interleaved runs: each command's wall seconds in every round and its median peak RSS (KiB)."""

    rounds: dict[str, list[float]]
    rss: dict[str, int]

    @property
    def wall(self) -> dict[str, float]:
        """Each command's median wall seconds."""
        return {name: statistics.median(walls) for name, walls in self.rounds.items()}

    def ratio(self, name: str, baseline: str) -> float:
        """The median of the rounds' ratios: each round runs the command beside its baseline, so a spell of a
        busy machine slows both sides of a ratio instead of one side of the medians'."""
        return statistics.median(a / b for a, b in zip(self.rounds[name], self.rounds[baseline], strict=True))

    def ratio_of_medians(self, name: str, baseline: str) -> float:
        return self.wall[name] / self.wall[baseline]

    def memory_ratio(self, name: str, baseline: str) -> float:
        return self.rss[name] / self.rss[baseline]


def paired(commands: Mapping[str, tuple[Sequence[str], Mapping[str, str]]], rounds: int) -> Paired:
    """Run every command once per round, interleaved, after one warm-up each; medians per command, and every
    round's walls for the paired ratios."""
    for command, env in commands.values():
        measure(command, env)  # warm the page cache
    walls: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[int]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (command, env) in commands.items():
            wall, peak = measure(command, env)
            walls[name].append(wall)
            peaks[name].append(peak)
    return Paired(rounds=walls, rss={name: int(statistics.median(v)) for name, v in peaks.items()})
