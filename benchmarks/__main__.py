"""Run each benchmark module (one defining a top-level main()) in its own process, in name order.

Own processes because each benchmark sets Django up against its own database; a time limit
per module keeps `make bench` bounded even when one of them hangs.
"""
import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
TIME_LIMIT = 180  # seconds per module; each aims at well under a minute


def benchmark_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        if any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body):
            names.append(path.stem)
    return names


def _run(name: str) -> bool:
    # A session of its own, so that a timeout also stops the servers and workers it started.
    process = subprocess.Popen([sys.executable, "-c", f"import benchmarks.{name} as m; m.main()"],
                               cwd=PACKAGE.parent, start_new_session=True)
    try:
        return process.wait(timeout=TIME_LIMIT) == 0
    except subprocess.TimeoutExpired:
        print(f"benchmarks.{name}: stopped after {TIME_LIMIT} s", flush=True)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False
    except KeyboardInterrupt:
        os.killpg(process.pid, signal.SIGTERM)
        raise


def main(only: list[str] | None = None) -> int:
    """Every benchmark, or only those named (`python -m benchmarks checkin voucherify_export`)."""
    failed = []
    for name in benchmark_modules():
        if only and name not in only:
            continue
        print(f"\n=== benchmarks.{name} ===", flush=True)
        started = time.monotonic()
        ok = _run(name)
        print(f"--- benchmarks.{name}: {'ok' if ok else 'FAILED'} in {time.monotonic() - started:.1f} s", flush=True)
        if not ok:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
