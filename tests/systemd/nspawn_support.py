"""A throwaway Debian booted with `systemd-nspawn -b`, for testing the systemd --user timer on a real manager.

The base root filesystem is built once with debootstrap and cached under the temp folder; each
boot runs on an overlay of it whose mount lives only in a private mount namespace around
systemd-nspawn, so it disappears with that process even if the test is killed. Commands run
inside through `nsenter` into the container's namespaces, as root or (through `setpriv`, which
opens no login session) as the test user.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

SUITE = "bookworm"  # Debian 12: Python 3.11, like the interpreter the wheels are built with
MIRROR = os.environ.get("AMX_DEBIAN_MIRROR", "http://deb.debian.org/debian")
PACKAGES = ("systemd", "systemd-sysv", "dbus", "dbus-user-session", "libpam-systemd", "python3", "python3-venv")
CACHE = Path(tempfile.gettempdir()) / "amx-systemd-test"
BASE = CACHE / f"rootfs-{SUITE}"
READY_MARK = ".amx-rootfs-complete"  # holds the package list it was built with
USER, UID = "amx", 1000
CONTAINER_PATH = "/opt/amx/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
REBOOT_EXIT = 133  # what systemd-nspawn returns when the container asked for a reboot
POLL_SECONDS = 1.0


def run(argv: Sequence[str], *, timeout: float = 600, check: bool = True, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, **kw)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def wait_for(what: str, check: Callable[[], object], seconds: float, alive: Callable[[], str | None]) -> object:
    """Poll `check` until it is truthy; fail after `seconds`, or as soon as `alive()` says what died."""
    pause = threading.Event()
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        dead = alive()
        if dead:
            raise AssertionError(f"{what}: {dead}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds:.0f} s")
        pause.wait(POLL_SECONDS)


def base_rootfs() -> Path:
    """The cached Debian root filesystem, built by debootstrap on first use (one builder at a time)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = " ".join(PACKAGES) + "\n"
        mark = BASE / READY_MARK
        if mark.exists() and mark.read_text() == wanted:
            return BASE
        shutil.rmtree(BASE, ignore_errors=True)
        partial = BASE.with_name(BASE.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        run(
            ["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}", SUITE, str(partial), MIRROR],
            timeout=1800,
        )
        (partial / "etc" / "machine-id").write_text("")  # a fresh id at each boot
        (partial / READY_MARK).write_text(wanted)
        partial.rename(BASE)
        return BASE


BUILD_LITTER = ("build", "*.egg-info", ".venv", ".git", "__pycache__", ".*_cache")


def build_wheels(project: Path, folder: Path) -> str:
    """The project's wheel (`pip wheel --no-deps`) and wheels of all its dependencies; returns the wheel's name.

    The wheel is built from a copy, since setuptools leaves `build/` and `*.egg-info` beside the sources.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("amx_schedules-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="amx-wheel-") as scratch:
        source = Path(scratch) / "src"
        shutil.copytree(project, source, ignore=shutil.ignore_patterns(*BUILD_LITTER))
        run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(source)])
    (wheel,) = folder.glob("amx_schedules-*.whl")
    run([sys.executable, "-m", "pip", "wheel", "-q", "-w", str(folder), str(wheel)])
    return wheel.name


class Container:
    """One booted container on an overlay of the base; `boot()` again after a reboot keeps its disk."""

    def __init__(self, base: Path, wheels: Path) -> None:
        self.base = base
        self.wheels = wheels
        self.name = f"amx-{uuid.uuid4().hex[:10]}"
        self.dir = Path(tempfile.mkdtemp(prefix="amx-nspawn-"))
        for part in ("upper", "work", "merged"):
            (self.dir / part).mkdir()
        self.process: subprocess.Popen | None = None
        self.leader: int | None = None
        self.boots = 0

    # -- life cycle -------------------------------------------------------------------------------

    def boot(self) -> None:
        """Mount the overlay in a private mount namespace and boot systemd in it; wait until it runs."""
        self.boots += 1
        overlay = f"lowerdir={self.base},upperdir={self.dir / 'upper'},workdir={self.dir / 'work'}"
        merged = self.dir / "merged"
        script = (
            'mount -t overlay overlay -o "$1" "$2" && exec systemd-nspawn -b -D "$2" --machine="$3" '
            '--register=no --keep-unit --console=pipe --bind-ro="$4":/wheels'
        )
        log = open(self.dir / f"boot-{self.boots}.log", "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", overlay, str(merged)]
            + [self.name, str(self.wheels)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.leader = None
        wait_for("the container's init", self._find_leader, 60, self._died)
        wait_for("the container's boot", self._booted, 120, self._died)

    def _died(self) -> str | None:
        if self.process is not None and self.process.poll() is not None:
            text = (self.dir / f"boot-{self.boots}.log").read_text(errors="replace")[-3000:]
            return f"systemd-nspawn exited with {self.process.returncode}:\n{text}"
        return None

    def _find_leader(self) -> int | None:
        """PID of the container's systemd: the child of systemd-nspawn (which replaced the shell)."""
        assert self.process is not None
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            comm = Path(f"/proc/{self.process.pid}/comm").read_text().strip()
        except OSError:
            return None
        if comm != "systemd-nspawn" or not children:
            return None
        self.leader = int(children[0])
        return self.leader

    def _booted(self) -> bool:
        state = self.root("systemctl", "is-system-running", check=False).stdout.strip()
        return state in {"running", "degraded"}

    def reboot(self) -> None:
        """`systemctl reboot` inside; systemd-nspawn exits with 133 and the same disk is booted again."""
        self.root("systemctl", "reboot", check=False)
        assert self.process is not None
        code = self.process.wait(timeout=120)
        assert code == REBOOT_EXIT, f"systemd-nspawn exited with {code} on reboot, not {REBOOT_EXIT}"
        self.boot()

    def destroy(self) -> None:
        """Stop the container (politely, then by force), and remove its disk and what nspawn left in /run."""
        if self.process is not None and self.process.poll() is None:
            if self.leader is not None:
                self.root("systemctl", "poweroff", check=False, timeout=30)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(Path("/run/systemd/nspawn/propagate") / self.name, ignore_errors=True)

    def leftovers(self) -> list[str]:
        """Mounts of this container still in the host's table, and its processes still alive."""
        mounts = [line for line in Path("/proc/self/mounts").read_text().splitlines() if str(self.dir) in line]
        alive = [] if self.process is None or self.process.poll() is not None else [str(self.process.pid)]
        return mounts + alive

    # -- commands inside -----------------------------------------------------------------------------

    def _enter(self) -> list[str]:
        assert self.leader is not None
        return ["nsenter", f"--target={self.leader}", "--all", "--root", "--wd"]

    def root(self, *argv: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        env = ["env", "-i", f"PATH={CONTAINER_PATH}", "HOME=/root", "LANG=C.UTF-8"]
        return run(self._enter() + env + list(argv), check=check, timeout=timeout)

    def user(self, *argv: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """As the test user with the environment `su`/`sudo -u` would leave: no XDG_RUNTIME_DIR, no bus address."""
        plain = {"HOME": f"/home/{USER}", "USER": USER, "LOGNAME": USER, "PATH": CONTAINER_PATH, "LANG": "C.UTF-8"}
        plain.update(env or {})
        switch = ["setpriv", f"--reuid={UID}", f"--regid={UID}", "--init-groups"]
        pairs = [f"{key}={value}" for key, value in plain.items()]
        return run(self._enter() + switch + ["env", "-i", *pairs, *argv], check=check, timeout=300)
