"""Every import points down the stack: mookh (core) < notifications < users < stores < promos < orders
< tickets, payments. Tickets and payments are peers: neither imports the other.

The walk reads every module of the apps with `ast`: imports at module level and inside functions,
`import x` and `from x import y`, absolute and relative. settings, urls and celery wire every app
and are left out."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {"mookh": 0, "notifications": 1, "users": 2, "stores": 3, "promos": 4, "orders": 5, "tickets": 6,
          "payments": 6}
WIRING = {"mookh/settings.py", "mookh/urls.py", "mookh/celery.py"}


def _module(path: Path, root: Path) -> tuple[str, bool]:
    """The dotted name of the module at `path`, and whether it is a package's __init__."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _imported(node, *, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        return [node.module]
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[:len(package) - (node.level - 1)]
    return [".".join(base + ([node.module] if node.module else []))]


def upward_imports(root: Path = ROOT) -> list[str]:
    """`path:line: importer -> imported` for every import of an app at the importer's level or above."""
    found = []
    for app, level in LAYERS.items():
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative in WIRING:
                continue
            module, is_package = _module(path, root)
            for node in ast.walk(ast.parse(path.read_text(), filename=relative)):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                for name in _imported(node, module=module, is_package=is_package):
                    target = name.split(".")[0]
                    if target in LAYERS and target != app and LAYERS[target] >= level:
                        found.append(f"{relative}:{node.lineno}: {module} -> {name}")
    return found


def test_every_import_points_down_when_an_app_imports_another():
    violations = upward_imports()
    assert not violations, "Imports pointing up the stack (or between peers):\n" + "\n".join(violations)


def test_upward_imports_are_reported_when_written_in_any_form(tmp_path):
    (tmp_path / "stores" / "api").mkdir(parents=True)
    (tmp_path / "stores" / "__init__.py").write_text("")
    (tmp_path / "stores" / "api" / "__init__.py").write_text("from .. import selectors\n")
    (tmp_path / "stores" / "admin.py").write_text(
        "import orders.models\n"
        "from promos import services\n"
        "from users.selectors import user_is_super_admin\n"
        "def statistics():\n"
        "    from tickets.selectors import counts\n"
        "    return counts\n")
    (tmp_path / "payments").mkdir()
    (tmp_path / "payments" / "services.py").write_text("from tickets import models\nfrom orders import services\n")
    (tmp_path / "mookh").mkdir()
    (tmp_path / "mookh" / "urls.py").write_text("import tickets.api.urls\n")

    assert sorted(upward_imports(tmp_path)) == [
        "payments/services.py:1: payments.services -> tickets",
        "stores/admin.py:1: stores.admin -> orders.models",
        "stores/admin.py:2: stores.admin -> promos",
        "stores/admin.py:5: stores.admin -> tickets.selectors",
    ]
