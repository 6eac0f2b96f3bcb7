"""The layers are held by tools, not by memory: import-linter's contracts (pyproject.toml, run by `make test`) and
a check that no page reads a model directly. Each check is shown to fail on a deliberate violation."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pins", "icbs", "schools", "specialists")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def view_modules() -> list[Path]:
    """Every module that holds pages: `views.py` or a module of a `views` package."""
    found = []
    for package in PACKAGES:
        found += (ROOT / package).rglob("views.py")
        found += [path for path in (ROOT / package).rglob("views/*.py") if path.name != "__init__.py"]
    return sorted(found)


def direct_model_reads(source: str) -> list[tuple[int, str]]:
    """Where a view reads a model other than through `request.access`, a scoped lookup or a selector:
    `<Model>.objects` and `get_object_or_404(<Model>, ...)`, each as (line, what)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects" and isinstance(node.value, ast.Name):
            found.append((node.lineno, f"{node.value.id}.objects"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"get_object_or_404", "get_list_or_404"}
            and node.args
            and isinstance(node.args[0], ast.Name)
        ):
            found.append((node.lineno, f"{node.func.id}({node.args[0].id}, ...)"))
    return found


def test_no_view_reads_a_model_directly():
    modules = view_modules()
    assert ROOT / "specialists" / "views" / "visits.py" in modules  # the check reaches the views packages too
    problems = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in modules
        for line, what in direct_model_reads(path.read_text())
    ]
    assert problems == [], "read through request.access, a scoped lookup or a selector instead"


def test_the_view_check_finds_model_objects_and_get_object_or_404_on_a_model():
    source = """
def page(request, pk):
    closure = get_object_or_404(ClosureDate, pk=pk)
    visits = Visit.objects.filter(enrolment=closure.school)
    scoped = get_object_or_404(request.access.visits(), pk=pk)
    related = scoped.change_requests.filter(resolved_at__isnull=True)
"""
    assert direct_model_reads(source) == [(3, "get_object_or_404(ClosureDate, ...)"), (4, "Visit.objects")]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--config", cwd / "pyproject.toml"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": str(LINT_IMPORTS.parent), "PYTHONPATH": str(cwd), "COLUMNS": "300"},
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory) -> Path:
    """The service's Python packages and its import contracts, copied to change them without touching ours."""
    copy = tmp_path_factory.mktemp("tree")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__", "*.html"))
    return copy


def test_the_import_contracts_hold_on_the_tree(tree_copy):
    result = _lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# One deliberate violation of each contract, with the words of the contract that refuses it.
VIOLATIONS = {
    "icbs/violation.py": ("import schools.models\n", "specialists, then schools, then icbs"),
    "schools/violation.py": ("import specialists.models\n", "specialists, then schools, then icbs"),
    "pins/kernel/violation.py": ("import pins.accounts.models\n", "The kernel imports no app"),
    "specialists/violation.py": ("import pins.demo.seed\n", "Nothing imports the demo"),
    "schools/reporting_violation.py": ("import pins.reporting.progress\n", "Reporting is imported by no app"),
}


@pytest.mark.parametrize("path", VIOLATIONS)
def test_the_import_contracts_refuse_a_deliberate_violation(tree_copy, path):
    code, contract = VIOLATIONS[path]
    violation = tree_copy / path
    violation.write_text(code)
    try:
        result = _lint_imports(tree_copy)
    finally:
        violation.unlink()
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout, result.stdout
