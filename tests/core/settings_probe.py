"""Settings as a fresh process loads them from a given environment, and nothing else."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DUMP = ("import json; from django.conf import settings; "
        "print(json.dumps({name: getattr(settings, name) for name in dir(settings) if name.isupper()}, "
        "default=repr, sort_keys=True))")


def settings_loaded(environment: dict[str, str], *, cwd: Path = ROOT) -> dict:
    """Every setting (values that are not JSON as their repr) of mookh.settings loaded in a new
    process whose environment is only `environment`; with no ENV_FILE in it, no .env file is read."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "mookh.settings",
           "ENV_FILE": os.devnull, **environment}
    result = subprocess.run([sys.executable, "-c", DUMP], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
