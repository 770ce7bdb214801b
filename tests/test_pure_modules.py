"""Pure modules stay pure: rules and arithmetic that import no Django, however indirectly.

A module declares itself pure with the comment line ``# pure: no Django import (tests/test_pure_modules.py)``
below its docstring; in a package's ``__init__.py`` the line covers the whole package (the scoring
engine). This test finds every marked module of every app, so a new pure module is covered by marking
it, with no edit here. Each one is checked twice:

- its source imports neither Django nor a first-party module that is not pure itself, anywhere in the
  file (an import inside a function included, which importing the module would not run);
- imported in a fresh interpreter where importing Django or any app's models raises, it loads.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "# pure: no Django import (tests/test_pure_modules.py)"


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def pure_modules(root: Path) -> dict[str, Path]:
    """Module name -> file, for every module of an app (a directory with ``apps.py``) marked pure."""
    found = {}
    for app in sorted(path.parent for path in root.glob("*/apps.py")):
        for path in sorted(app.rglob("*.py")):
            if MARKER not in path.read_text().splitlines():
                continue
            files = sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]
            found.update((module_name(file, root), file) for file in files)
    return found


def is_module(root: Path, name: str) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports_of(path: Path, name: str, root: Path) -> set[str]:
    """Every module the file imports, anywhere in it, as absolute names (``from a import b``: a.b if a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: "." is the module's package, each further dot one package up
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if is_module(root, candidate) else base)
    return found


def impure_imports(modules: dict[str, Path], root: Path) -> dict[str, list[str]]:
    first_party = {path.parent.name for path in root.glob("*/__init__.py")}
    offenders = {}
    for name, path in modules.items():
        bad = sorted(
            imported
            for imported in imports_of(path, name, root)
            if imported.split(".")[0] == "django" or (imported.split(".")[0] in first_party and imported not in modules)
        )
        if bad:
            offenders[name] = bad
    return offenders


# Run in a fresh interpreter: the test process has Django loaded already.
IMPORT_ALL = """
import importlib, json, os, sys, traceback

apps, names = json.loads(sys.argv[1]), json.loads(sys.argv[2])

class Refuse:
    def find_spec(self, name, path=None, target=None):
        parts = name.split(".")
        if parts[0] == "django" or (parts[0] in apps and "models" in parts[1:]):
            raise ImportError("a pure module imports " + name)

sys.meta_path.insert(0, Refuse())
failures = {}
for name in names:
    try:
        importlib.import_module(name)
    except Exception as error:
        here = os.getcwd() + os.sep  # the import chain, through the project's own files
        chain = [f.filename for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(here)]
        failures[name] = [repr(error), *chain]
print(json.dumps(failures))
"""


def import_failures(modules: dict[str, Path], root: Path) -> dict[str, list[str]]:
    apps = sorted(path.parent.name for path in root.glob("*/apps.py"))
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, json.dumps(apps), json.dumps(sorted(modules))],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_pure_modules_are_found_in_every_kind_of_place():
    found = pure_modules(ROOT)
    expected = {"indicators.engine", "indicators.engine.nps", "indicators.engine.indicators.sentiment"}
    expected |= {"surveys.nps_margins", "surveys.eligibility_rules", "followups.business_days"}
    assert expected <= set(found)


def test_no_pure_module_imports_django_or_an_impure_module_in_its_source():
    assert impure_imports(pure_modules(ROOT), ROOT) == {}


def test_every_pure_module_imports_with_django_and_the_apps_models_refused():
    assert import_failures(pure_modules(ROOT), ROOT) == {}


def test_the_checks_catch_a_pure_module_that_imports_django(tmp_path):
    app = tmp_path / "shop"
    app.mkdir()
    (app / "__init__.py").touch()
    (app / "apps.py").touch()
    (app / "pricing.py").write_text(f'"""Prices."""\n\n{MARKER}\nfrom django.utils import timezone\n')
    (app / "discounts.py").write_text(f"{MARKER}\n\n\ndef rate():\n    from . import apps\n")
    modules = pure_modules(tmp_path)
    assert set(modules) == {"shop.pricing", "shop.discounts"}
    assert impure_imports(modules, tmp_path) == {"shop.pricing": ["django.utils"], "shop.discounts": ["shop.apps"]}
    assert set(import_failures(modules, tmp_path)) == {"shop.pricing"}
