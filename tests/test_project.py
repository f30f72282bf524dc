"""Project-level invariants: checks pass, migrations are complete, Celery is wired, layering holds."""

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_manage_py_check_is_clean():
    out = StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_celery_app_loads_with_the_schedule_in_the_database():
    """The daily run is a database row (tests/test_schedule.py): beat would write any code entry over it."""
    from sdp_project.celery import app

    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert app.conf.beat_schedule == {}
    assert app.conf.result_expires is None  # no celery.backend_cleanup entry either
    assert app.conf.timezone == "Asia/Jakarta"


def _imports(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_central_is_the_bottom_layer():
    """DESIGN §3: central imports no other app of the project; kanwil never imports upt."""
    assert not _imports("central") & {"upt", "kanwil", "operations", "devtools", "sdp_project"}
    assert not _imports("kanwil") & {"upt", "operations", "devtools"}
    assert not _imports("upt") & {"kanwil", "operations", "devtools"}


def test_operations_builds_on_central_alone():
    """Running the system (probes, logs, backups, schedule, home page) needs central's registry and roles only."""
    assert not _imports("operations") & {"upt", "kanwil", "devtools"}


def test_no_product_code_imports_the_dev_tooling():
    """Demo seeding, synthetic data and benchmarks stay out of what runs in production (DESIGN §3)."""
    for package in ("central", "upt", "kanwil", "operations", "sdp_project"):
        assert "devtools" not in _imports(package), package


def test_the_config_package_holds_configuration_alone():
    """sdp_project keeps settings, URLs, WSGI/ASGI, Celery and environment parsing: a few hundred lines."""
    modules = sorted(path.name for path in (ROOT / "sdp_project").glob("*.py"))
    # urls_node.py is a UPT node's URL configuration (SDP_MODE=upt, read by central.mode).
    assert modules == [
        "__init__.py",
        "asgi.py",
        "celery.py",
        "env.py",
        "settings.py",
        "urls.py",
        "urls_node.py",
        "wsgi.py",
    ]
    folders = {path.name for path in (ROOT / "sdp_project").iterdir() if path.is_dir()} - {"__pycache__"}
    assert folders <= {"formats"}  # FORMAT_MODULE_PATH: the date and time formats are settings too
    lines = sum(len(path.read_text().splitlines()) for path in (ROOT / "sdp_project").rglob("*.py"))
    assert lines < 850, lines  # 750 before the node mode's settings and URL configuration


# --- No import cycles -------------------------------------------------------------------------------------
PRODUCT_APPS = ("central", "upt", "kanwil")
LOCAL_IMPORT_MARKERS = ("# cycle:", "# lazy:")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _product_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for app in PRODUCT_APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }


def _runtime_imports(tree: ast.AST):
    """(import node, whether it runs inside a function) for every import that runs (TYPE_CHECKING skipped)."""

    def visit(node: ast.AST, local: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, local
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from visit(child, True)
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for branch in child.orelse:
                    yield from visit(ast.Module(body=[branch], type_ignores=[]), local)
            else:
                yield from visit(child, local)

    yield from visit(tree, False)


def _imported_modules(node: ast.Import | ast.ImportFrom, module: str, path: Path, modules: dict) -> set[str]:
    """The product modules an import statement names (the nearest existing module of each dotted name)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}".rstrip(".")
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
    found = set()
    for name in names:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name and name != module:
            found.add(name)
    return found


def _marker(lines: list[str], node: ast.stmt) -> str | None:
    """The marker on the import's own lines or in the comment (and import) lines right above it."""
    span = lines[node.lineno - 1 : node.end_lineno]
    above = node.lineno - 2
    while above >= 0 and lines[above].strip().startswith(("#", "from ", "import ")):
        span.append(lines[above])
        above -= 1
    return next((marker for marker in LOCAL_IMPORT_MARKERS if any(marker in line for line in span)), None)


def _import_graph():
    modules = _product_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    local: list[tuple[str, str, set[str], str | None]] = []  # (module, where, targets, marker)
    for name, path in modules.items():
        source = path.read_text()
        lines = source.splitlines()
        for node, inside_function in _runtime_imports(ast.parse(source, filename=str(path))):
            targets = _imported_modules(node, name, path, modules)
            if not targets:
                continue
            if inside_function:
                local.append((name, f"{path.relative_to(ROOT)}:{node.lineno}", targets, _marker(lines, node)))
            else:
                graph[name] |= targets
    return graph, local


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return False


def test_product_modules_import_each_other_without_cycles():
    """Module-level imports among central, upt and kanwil form no cycle, so no module works only because of
    the order in which others happen to be loaded (tasks are enqueued by name, never imported by services)."""
    graph, _local = _import_graph()
    assert _find_cycle(graph) is None, " -> ".join(_find_cycle(graph) or [])


def test_imports_inside_functions_say_why():
    """An import of the project's own modules inside a function says why it is not at the top: ``# cycle:``
    (at the top it would close an import cycle — checked here) or ``# lazy:`` (it must wait for Django's app
    loading, e.g. in AppConfig.ready)."""
    graph, local = _import_graph()
    unexplained = [where for _module, where, _targets, marker in local if marker is None]
    assert not unexplained, unexplained
    no_cycle = [
        where
        for module, where, targets, marker in local
        if marker == "# cycle:" and not any(_reaches(graph, target, module) for target in targets)
    ]
    assert not no_cycle, f"marked '# cycle:' but would close no cycle at the top: {no_cycle}"
