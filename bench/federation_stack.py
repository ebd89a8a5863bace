"""The stack the federation benchmarks drive: PostgreSQL and Redis (scripts/services.sh),
gunicorn as bench/run.py starts it, a Celery worker, and the simulated remote instances of
bench/federation_peers.py, all on loopback; plus what the benchmarks measure with (Python
run inside the app's environment, CPU time of a process tree, the peers' counters)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402 (bench/run.py's helpers: services, ports, gunicorn)

PY = run.PY
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def generate_pem_pair() -> tuple[str, str]:
    """(public, private) PEM of an RSA key, as federation.keys makes them (no Django here)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (private.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
            private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()).decode())


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its descendants (alive ones)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        stack.extend(children.get(current, []))
    return total


class Stack:
    """Services, gunicorn, a worker and the peers; `stop()` ends what it started."""

    def __init__(self, *, web_workers: int = 4, worker_args: list[str] | None = None):
        self.dir = tempfile.mkdtemp(prefix="pleroma-fedbench.")
        self.web_workers = web_workers
        self.worker_args = worker_args or ["--pool", "prefork", "--concurrency", "2"]
        self.processes: dict[str, subprocess.Popen] = {}
        self.port = run.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env: dict[str, str] = {}

    # --- processes ---------------------------------------------------------------------------
    def start_services(self, extra_env: dict | None = None) -> None:
        run.sh("scripts/services.sh", "start", self.dir)
        self.env = {**os.environ, **run.read_env(self.dir)}
        self.env.update(PLEROMA_URL=self.base, PLEROMA_DATA_DIR=f"{self.dir}/data",
                        PLEROMA_RATE_LIMIT_ENABLED="false", PLEROMA_BENCH_ENDPOINTS="true",
                        PLEROMA_ALLOW_PRIVATE_NETWORKS="true", DJANGO_SETTINGS_MODULE="pleroma_py.settings",
                        DJANGO_DEBUG="false", PYTHONUNBUFFERED="1", **(extra_env or {}))
        run.sh(PY, "manage.py", "migrate", "-v0", env=self.env)

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(f"{self.dir}/{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    def start_web(self) -> None:
        self._spawn("web", run.server_command("gunicorn", self.port, self.web_workers))
        run.wait_for(f"{self.base}/api/v1/instance")

    def start_worker(self, queues: str = "default,inbox,delivery", name: str = "worker",
                     args: list[str] | None = None) -> subprocess.Popen:
        """A `celery worker -Q queues` process named `name` (its own node name, so several can
        run side by side as on separate hosts); returns once it answers a ping."""
        node = self.node(name)
        process = self._spawn(name, [
            str(ROOT / ".venv/bin/celery"), "-A", "pleroma_py", "worker", "-Q", queues,
            *(self.worker_args if args is None else args),
            "--loglevel", "warning", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", node])
        time.sleep(1)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"worker {name} exited:\n{self.log(name)[-3000:]}")
            out = subprocess.run([str(ROOT / ".venv/bin/celery"), "-A", "pleroma_py", "inspect", "ping",
                                  "--timeout", "1", "-d", node], cwd=ROOT, env=self.env, capture_output=True,
                                 text=True)
            if "pong" in out.stdout:
                return process
            time.sleep(0.5)
        raise SystemExit(f"worker {name} did not come up")

    def start_workers(self, queues: str, count: int, prefix: str, args: list[str] | None = None) -> list[str]:
        """`count` workers on `queues` (`prefix`1, `prefix`2, ...); their names."""
        names = [f"{prefix}{n + 1}" for n in range(count)]
        for name in names:
            self.start_worker(queues, name, args)
        return names

    def node(self, name: str) -> str:
        """The Celery node name of the worker `name`."""
        return f"{name}-{os.getpid()}@fedbench"

    def consume(self, names: list[str], queue: str) -> None:
        """Have the running workers `names` start consuming `queue` too (all at one moment)."""
        out = subprocess.run([str(ROOT / ".venv/bin/celery"), "-A", "pleroma_py", "control", "add_consumer", queue,
                              "--timeout", "5", "-d", ",".join(self.node(n) for n in names)],
                             cwd=ROOT, env=self.env, capture_output=True, text=True)
        if out.stdout.count("add consumer") < len(names):
            raise SystemExit(f"add_consumer {queue}: {out.stdout}{out.stderr}")

    def stop_worker(self, name: str = "worker") -> None:
        self._stop(name)

    def stop_workers(self, names: list[str]) -> None:
        for name in names:
            self._stop(name)

    def start_peers(self, config: dict) -> list[int]:
        """Start the simulated instances (`count` of them); the ports they listen on."""
        ready = Path(self.dir, "peers.ready")
        ready.unlink(missing_ok=True)
        path = Path(self.dir, "peers.json")
        path.write_text(json.dumps({**config, "ready": str(ready)}))
        self._spawn("peers", [PY, str(ROOT / "bench/federation_peers.py"), str(path)])
        deadline = time.monotonic() + 60
        while not ready.exists() or not ready.read_text().strip():
            if time.monotonic() > deadline or self.processes["peers"].poll() is not None:
                raise SystemExit(f"peers did not come up:\n{self.log('peers')[-3000:]}")
            time.sleep(0.1)
        time.sleep(0.1)  # the file is written in one call; let it land
        ports = json.loads(ready.read_text())
        self.peers_control = f"http://127.0.0.1:{ports[0]}"
        return ports

    def peers_stats(self) -> dict:
        return json.loads(urllib.request.urlopen(f"{self.peers_control}/_stats", timeout=10).read())

    def peers_reset(self, dead: list[int] | None = None, verify_keys: dict | None = None) -> None:
        body: dict = {"dead": dead or []}
        if verify_keys is not None:
            body["verify_keys"] = verify_keys
        request = urllib.request.Request(f"{self.peers_control}/_reset", json.dumps(body).encode(),
                                         {"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10).read()

    def log(self, name: str) -> str:
        path = Path(self.dir, f"{name}.log")
        return path.read_text(errors="replace") if path.exists() else ""

    def _stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, 15)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(10)

    def stop(self, keep: bool = False) -> None:
        for name in list(self.processes):
            self._stop(name)
        if not keep:
            run.sh("scripts/services.sh", "stop", self.dir, check=False)

    # --- measuring ---------------------------------------------------------------------------
    def python(self, code: str, *args: str) -> dict:
        """Run `code` with Django set up in the app's environment; its last line is JSON."""
        done = run.sh(PY, "-c", "import django; django.setup()\n" + code, *args,
                      env={**self.env, "ALLOWED_HOSTS": "*"}, capture=True, check=False)
        try:
            return json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            raise SystemExit(f"in-process step failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}") from None

    def cpu(self, *names: str) -> float:
        """CPU seconds of the named processes (with their children) so far."""
        return sum(tree_cpu_seconds(self.processes[name].pid) for name in names)
