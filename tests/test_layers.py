"""The import contract (pyproject.toml, run by `make test`) catches a lower app importing a higher one.

`make test` runs it on the real code; here it runs on a copy with one wrong import added, so the
contract is shown to fail, not just assumed to.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "csplatform",
    "demo",
    "privacy",
    "workspace",
    "notifications",
    "followups",
    "surveys",
    "alerts",
    "outcomes",
    "indicators",
    "accounts",
)


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    return subprocess.run(command, cwd=tree, capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree(tmp_path) -> Path:
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_contract_holds_on_the_code_as_it_is(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("module", "line", "named"),
    [
        ("accounts/roles.py", "from demo import people", "accounts.roles -> demo.people"),
        ("indicators/selectors.py", "import surveys.models", "indicators.selectors -> surveys.models"),
        ("surveys/tokens.py", "from alerts import models", "surveys.tokens -> alerts.models"),  # siblings, too
    ],
)
def test_a_lower_app_importing_a_higher_one_breaks_the_contract(tree, module, line, named):
    path = tree / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert named in result.stdout


def test_an_import_cycle_inside_an_app_breaks_the_contract(tree):
    path = tree / "accounts" / "roles.py"
    path.write_text(path.read_text() + "\nfrom accounts.services import tenants  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "No cycles are allowed in accounts" in result.stdout
