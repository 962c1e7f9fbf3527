"""Throw-away servers for fault tests: PostgreSQL (a temporary data directory), Redis, gunicorn and
Celery workers, each on a free loopback port, so that a test can stop, kill or restart them without
touching the machine's shared servers.

Every process started here leads a process group of its own and is stopped by its PID: on `stop()`,
when its `with` block ends (a failing test included) and, as a last resort, when the interpreter
exits; whatever it started and left behind (a pool child, a backend) is killed with its group.
"""
import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from glob import glob
from pathlib import Path

import psycopg2
import redis

ROOT = Path(__file__).resolve().parents[2]
_running: dict[int, subprocess.Popen] = {}
_ports_given: set[int] = set()


@atexit.register
def _kill_leftovers() -> None:
    for process in list(_running.values()):
        process_stop(process, grace=2)


def free_port() -> int:
    """A free port never handed out before in this process (each server's URL names it alone)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _ports_given:
            _ports_given.add(port)
            return port


def process_start(command: list[str], **popen) -> subprocess.Popen:
    """Start a process, in a group of its own, that `process_stop` (or the interpreter's exit) will stop."""
    process = subprocess.Popen(command, start_new_session=True, **popen)
    _running[process.pid] = process
    return process


def process_stop(process: subprocess.Popen, *, sig: int = signal.SIGTERM, grace: float = 15) -> None:
    """Send `sig` to the process (continued first if it was stopped); SIGKILL to its group if it has
    not exited after `grace` seconds, and to whatever of its group outlives it."""
    if process.poll() is None:
        process.send_signal(sig)
        process.send_signal(signal.SIGCONT)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _group_kill(process.pid)
            process.wait()
    _group_kill(process.pid)
    _running.pop(process.pid, None)


def _group_kill(group: int) -> None:
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:  # nothing of the group is left
        pass


def _wait_until(ready, *, process: subprocess.Popen, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        if ready():
            return
        time.sleep(0.05)
    process_stop(process, sig=signal.SIGKILL)
    raise RuntimeError(f"{what} did not start within {timeout} s")


class RedisServer:
    """`redis-server` without persistence on a port of its own; `stop()` and `start()` again keep the port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        self.process = process_start(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_until(self._answers, process=self.process, what="redis-server")
        return self

    def stop(self) -> None:
        if self.process is not None:
            process_stop(self.process)
            self.process = None

    def freeze(self) -> None:
        """SIGSTOP: connections are still accepted (by the kernel) but nothing is answered, as
        when the server hangs or a network drops packets."""
        self.process.send_signal(signal.SIGSTOP)

    def _answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _postgres_bin(name: str) -> str:
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} is not installed")
    return found[-1]


class PostgresServer:
    """A PostgreSQL cluster in a temporary directory, listening on 127.0.0.1 only, user `postgres`
    trusted. `restart()` stops it (by default a fast shutdown: sessions are cut) and starts it again
    on the same port."""

    def __init__(self, *, copy_of: "PostgresServer | None" = None):
        """A new cluster, or a copy of the data of `copy_of` (stopped), which is much faster."""
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="mookh-faults-pg-"))
        self.process: subprocess.Popen | None = None
        # PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres account.
        self._user = "postgres" if os.geteuid() == 0 else None
        if self._user:
            shutil.chown(self.directory, user=self._user)
        if copy_of is not None:
            assert copy_of.process is None, "copy a stopped cluster"
            subprocess.run(["cp", "-a", str(copy_of.directory / "data"), str(self.directory / "data")], check=True)
            return
        subprocess.run([_postgres_bin("initdb"), "-D", str(self.directory / "data"), "-U", "postgres",
                        "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, capture_output=True, user=self._user)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> "PostgresServer":
        self.process = process_start(
            [_postgres_bin("postgres"), "-D", str(self.directory / "data"), "-p", str(self.port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.directory}",
             # fsync off only: a process crash loses no commit (the kernel has them), but with
             # synchronous_commit off an immediate stop would lose the last ones, as on a real server.
             "-c", "fsync=off", "-c", "max_connections=60"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, user=self._user)
        _wait_until(self._answers, process=self.process, what="postgres")
        return self

    def stop(self, *, sig: int = signal.SIGINT) -> None:
        """SIGINT: fast shutdown (open sessions are ended); SIGQUIT: immediate, as in a crash."""
        if self.process is not None:
            process_stop(self.process, sig=sig)
            self.process = None

    def restart(self, *, down_for: float = 0.0, sig: int = signal.SIGINT) -> None:
        self.stop(sig=sig)
        time.sleep(down_for)
        self.start()

    def create_database(self, name: str) -> str:
        admin = psycopg2.connect(self.url())
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        return self.url(name)

    def _answers(self) -> bool:
        try:
            psycopg2.connect(self.url(), connect_timeout=1).close()
            return True
        except psycopg2.OperationalError:
            return False

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.remove()


class GunicornServer:
    """gunicorn serving the project on 127.0.0.1 with `workers` sync workers, output to `log`."""

    def __init__(self, *, env: dict[str, str], workers: int = 2, log: Path):
        self.port = free_port()
        self.env, self.workers, self.log = env, workers, log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "GunicornServer":
        with open(self.log, "ab") as log:
            self.process = process_start(
                [sys.executable, "-m", "gunicorn", "mookh.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(self.workers), "--timeout", "30", "--graceful-timeout", "5",
                 "--log-level", "warning"],
                cwd=ROOT, env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT)
        _wait_until(lambda: len(self.worker_pids()) == self.workers and self._answers(), process=self.process,
                    what="gunicorn", timeout=60)
        return self

    def stop(self) -> None:
        if self.process is not None:
            process_stop(self.process, grace=15)
            self.process = None

    def worker_pids(self) -> list[int]:
        """The master's worker processes now (the master replaces one that dies)."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health/", timeout=2):
                return True
        except OSError:  # refused while starting, or a 503 (HTTPError) from the health check
            return False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class CeleryWorker:
    """`celery worker` with one process (`pool` solo) or `concurrency` pool children (prefork) on
    `queue`, output to `log`; `start()` returns once the worker says it is ready."""

    def __init__(self, *, env: dict[str, str], queue: str, log: Path, pool: str = "solo", concurrency: int = 1):
        self.env, self.queue, self.log, self.pool, self.concurrency = env, queue, log, pool, concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        offset = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as log:
            self.process = process_start(
                [sys.executable, "-m", "celery", "-A", "mookh", "worker", f"--pool={self.pool}",
                 f"--concurrency={self.concurrency}", "-Q", self.queue, "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "--loglevel=INFO"],
                cwd=ROOT, env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT)
        _wait_until(lambda: "ready." in self.log.read_text(errors="replace")[offset:], process=self.process,
                    what=f"celery worker (log: {self.log})", timeout=60)
        return self

    def stop(self, *, sig: int = signal.SIGTERM) -> None:
        if self.process is not None:
            process_stop(self.process, sig=sig)
            self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class CeleryBeat:
    """`celery beat` (the project's database scheduler) sending the periodic jobs, output to `log`."""

    def __init__(self, *, env: dict[str, str], log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryBeat":
        with open(self.log, "ab") as log:
            self.process = process_start(
                [sys.executable, "-m", "celery", "-A", "mookh", "beat", "--loglevel=INFO", "--pidfile="],
                cwd=ROOT, env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT)
        _wait_until(lambda: "beat: Starting" in self.log.read_text(errors="replace"), process=self.process,
                    what=f"celery beat (log: {self.log})", timeout=60)
        return self

    def stop(self) -> None:
        if self.process is not None:
            process_stop(self.process)
            self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
