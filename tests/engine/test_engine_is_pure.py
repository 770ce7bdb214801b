"""The engine stays self-contained: it imports no other app, and runs with Django refused.

That no engine module imports Django is checked for every pure module in tests/test_pure_modules.py.
"""

import ast
import subprocess
import sys
from pathlib import Path

import indicators.engine

ENGINE = Path(indicators.engine.__file__).parent
ROOT = ENGINE.parent.parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_engine_module_imports_another_app_that_might():
    first_party = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"indicators"}
    for path in ENGINE.rglob("*.py"):
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top not in first_party, f"{path.name} imports {name}"
            assert top != "indicators" or name.startswith("indicators.engine"), f"{path.name} imports {name}"


BLOCKED_IMPORT = """
import importlib, pkgutil, sys

class NoDjango:
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError("the engine must not import " + name)

sys.meta_path.insert(0, NoDjango())
import indicators.engine as engine
for module in pkgutil.walk_packages(engine.__path__, "indicators.engine."):
    importlib.import_module(module.name)
from tests.engine.builders import make_inputs
print(engine.evaluate_account(make_inputs(), with_contacts=True).score.band)
assert not any(name == "django" or name.startswith("django.") for name in sys.modules)
"""


def test_the_engine_imports_and_runs_with_django_blocked():
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORT], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
