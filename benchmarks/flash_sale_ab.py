"""The flash sale, this tree against another revision, side by side: `make bench-ab BASE=<rev>`.

On a shared 2-core machine one tree's figures swing by a third from one minute to the next, so two
trees measured minutes apart differ by the machine as much as by their code. Here both serve at
once, each on its own gunicorn and database; wrk runs alternate between them scenario by scenario
(the order flips each round), and the medians over AB_ROUNDS rounds are compared. The other
revision is checked out in a temporary git worktree and runs on this tree's virtualenv.

Not part of `make bench`: it takes AB_ROUNDS × 6 wrk runs of BENCH_SECONDS (about 9 minutes by
default). Needs `wrk` and `git`.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import redis

from benchmarks.flash_sale import CONNECTIONS, DURATION, QUEUE, WORKERS, _run_wrk
from benchmarks.support import ROOT, Gunicorn, queue_drop

ROUNDS = int(os.environ.get("AB_ROUNDS", 6))
SCENARIOS = ("one hot ticket type", "200 ticket types", "sell-out")
# Both servers count their limits here, cleared before each run; the load comes from one address.
LIMITS_REDIS = os.environ.get("AB_LIMITS_REDIS", "redis://127.0.0.1:6379/1")
SERVER_ENV = {"CELERY_TASK_ALWAYS_EAGER": "0", "CACHE_URL": LIMITS_REDIS, "PAYMENTS_MODE": "sandbox"}

# Run in each tree (its own models and migrations): a fresh database and the catalogs, as JSON.
_CATALOGS = """
import json, sys
from benchmarks.flash_sale import _catalog
from benchmarks.support import bench_database_url, django_setup
url = bench_database_url(sys.argv[1])
django_setup(url)
print("CATALOGS " + json.dumps({"url": url, "one hot ticket type": _catalog(1, 100_000),
      "200 ticket types": _catalog(200, 1_000), "sell-out": [_catalog(1, 500) for _ in range(int(sys.argv[2]))]}))
"""
_OVERSELL = """
import json, os, sys
os.environ["DATABASE_URL"] = sys.argv[1]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mookh.settings")
import django
django.setup()
from benchmarks.flash_sale import _oversell
catalogs = json.loads(sys.argv[2])
print(_oversell(catalogs["one hot ticket type"]) + _oversell(catalogs["200 ticket types"])
      + sum(_oversell(ids) for ids in catalogs["sell-out"]))
"""


class Tree:
    """One tree's database, catalogs and gunicorn."""

    def __init__(self, name: str, root: Path):
        self.name, self.root, self.results = name, root, {scenario: [] for scenario in SCENARIOS}
        self.server_env = {**SERVER_ENV, "CELERY_TASK_DEFAULT_QUEUE": f"{QUEUE}-{name}"}
        self.env = {**os.environ, **self.server_env}
        made = subprocess.run([sys.executable, "-c", _CATALOGS, f"mookh_bench_ab_{name}", str(ROUNDS)],
                              cwd=root, env=self.env, capture_output=True, text=True, check=True)
        self.catalogs = json.loads(made.stdout.split("CATALOGS ", 1)[1])
        self.server = Gunicorn(database_url=self.catalogs["url"], workers=WORKERS, extra_env=self.server_env,
                               root=root)

    def run(self, scenario: str, round_index: int) -> dict:
        ids = self.catalogs[scenario][round_index] if scenario == "sell-out" else self.catalogs[scenario]
        limits = redis.Redis.from_url(LIMITS_REDIS)
        stale = list(limits.scan_iter(match="*limit:*"))
        if stale:
            limits.delete(*stale)
        result = _run_wrk(self.server.url, ids)
        self.results[scenario].append(result)
        return result

    def oversell(self) -> int:
        counted = subprocess.run([sys.executable, "-c", _OVERSELL, self.catalogs["url"], json.dumps(self.catalogs)],
                                 cwd=self.root, env=self.env, capture_output=True, text=True, check=True)
        return int(counted.stdout.strip().splitlines()[-1])

    def stop(self) -> None:
        self.server.__exit__()
        queue_drop(self.server_env["CELERY_TASK_DEFAULT_QUEUE"])


def _orders_per_second(result: dict) -> float:
    return result["statuses"].get("201", 0) / (result["duration_us"] / 1e6)


def _report(base: Tree, this: Tree) -> None:
    print(f"medians over {ROUNDS} rounds, {CONNECTIONS} clients, {DURATION} s a run ({base.name} → {this.name}):")
    for scenario in SCENARIOS:
        line = []
        figures = [(lambda result: result["p99_ms"], "ms p99")]
        if scenario != "sell-out":  # there the stock, not the server, sets how many orders go through
            figures.insert(0, (_orders_per_second, "orders/s"))
        for figure, unit in figures:
            old = statistics.median(figure(result) for result in base.results[scenario])
            new = statistics.median(figure(result) for result in this.results[scenario])
            line.append(f"{old:.0f} → {new:.0f} {unit} ({(new / old - 1) * 100:+.1f} %)")
        answered = [statistics.median(sum(r["statuses"].values()) for r in tree.results[scenario])
                    for tree in (base, this)]
        print(f"  {scenario}: {'; '.join(line)}; requests answered {answered[0]:.0f} → {answered[1]:.0f}")
    print(f"  oversell: {base.name} {base.oversell()}, {this.name} {this.oversell()}")


def main_ab(base_revision: str) -> None:
    worktree = Path(tempfile.mkdtemp(prefix="mookh-bench-ab-")) / "base"
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(worktree), base_revision], cwd=ROOT,
                   check=True)
    trees = []
    try:
        trees.append(Tree("base", worktree))
        trees.append(Tree("this", ROOT))
        for tree in trees:
            tree.server.__enter__()  # waits until it answers
        print(f"flash_sale_ab: {base_revision} (base) against this tree, gunicorn {WORKERS} workers each", flush=True)
        for round_index in range(ROUNDS):
            order = trees if round_index % 2 == 0 else trees[::-1]
            for scenario in SCENARIOS:
                for tree in order:
                    result = tree.run(scenario, round_index)
                    print(f"  round {round_index + 1} {scenario} {tree.name}: {_orders_per_second(result):.0f} "
                          f"orders/s, p99 {result['p99_ms']:.0f} ms, statuses {result['statuses']}", flush=True)
        for tree in trees:
            tree.stop()
        _report(*trees)
    finally:
        for tree in trees:
            if tree.server.process.poll() is None:
                tree.server.process.kill()
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False)
        shutil.rmtree(worktree.parent, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m benchmarks.flash_sale_ab <base revision>")
    main_ab(sys.argv[1])
