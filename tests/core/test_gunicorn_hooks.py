"""gunicorn.conf.py's worker hook: once a worker has loaded the project, what it loaded (every module
the routes use included) is frozen out of the garbage collector's full passes."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import gc, json, os, runpy, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mookh.settings")
from mookh.wsgi import application  # what a gunicorn worker loads before the hook runs
loaded_before = "orders.api.views" in sys.modules
runpy.run_path("gunicorn.conf.py")["post_worker_init"](None)
print(json.dumps({"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "views_loaded_before": loaded_before, "views_loaded": "orders.api.views" in sys.modules}))
"""


def test_worker_freezes_what_it_loaded_so_that_a_full_collection_walks_little():
    finished = subprocess.run([sys.executable, "-c", WORKER], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    state = json.loads(finished.stdout.strip().splitlines()[-1])

    assert not state["views_loaded_before"] and state["views_loaded"]  # the hook loaded the routes' code
    assert state["frozen"] > 100_000  # the project as loaded, out of the collector's sight
    assert state["tracked"] < state["frozen"] / 20  # what a full collection still walks
