"""A module's name says what it holds, without its path: no top-level module of an app shares it.

A module directly in an app is named by that word alone, so another module of the app with that
name leaves a reader guessing which holds what (``surveys/eligibility.py``, the rules, beside
``surveys/services/eligibility.py``, the loading of their facts, before the rules were renamed
``eligibility_rules.py``). Modules inside the app's packages may mirror each other, one per layer
(``followups/models/themes.py``, ``services/themes.py``, ``admin/themes.py``): the package names the
layer. Every app (a directory with an ``apps.py``) is checked, so a new one is covered too.
"""

from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {"migrations", "templates", "static", "__pycache__"}
# Names Django itself gives a meaning in every app and in each interface package (accounts/views.py
# beside accounts/api/views.py; surveys/models/ beside surveys/admin/models.py, the models' admins).
CONVENTIONAL = {"models", "views", "urls"}


def apps() -> list[Path]:
    return sorted(path.parent for path in ROOT.glob("*/apps.py"))


def modules(app: Path) -> dict[str, list[str]]:
    """Base name -> the app's modules and packages with that name (paths from the app's parent)."""
    found, base = defaultdict(list), app.parent
    for path in app.rglob("*.py"):
        parts = path.relative_to(app).parts
        if SKIPPED_DIRS & set(parts) or path.name in {"apps.py", "__init__.py"}:
            continue
        found[path.stem].append(str(path.relative_to(base)))
    for package in app.rglob("__init__.py"):
        if package.parent != app and not SKIPPED_DIRS & set(package.relative_to(app).parts):
            found[package.parent.name].append(f"{package.parent.relative_to(base)}/")
    return found


def clashes(app: Path) -> dict[str, list[str]]:
    top_level = {path.stem for path in app.glob("*.py")} | {path.parent.name for path in app.glob("*/__init__.py")}
    return {
        name: sorted(paths)
        for name, paths in modules(app).items()
        if name in top_level and name not in CONVENTIONAL and len(paths) > 1
    }


def test_the_apps_are_found():
    assert {"accounts", "indicators", "surveys", "alerts", "followups"} <= {app.name for app in apps()}


def test_no_top_level_module_of_an_app_shares_its_name_with_another_module_of_that_app():
    assert {app.name: clashes(app) for app in apps() if clashes(app)} == {}


def test_the_check_sees_a_clash(tmp_path):
    app = tmp_path / "shop"
    (app / "services").mkdir(parents=True)
    for name in ("apps.py", "pricing.py", "views.py", "services/__init__.py", "services/pricing.py"):
        (app / name).touch()
    (app / "api").mkdir()
    (app / "api" / "views.py").touch()
    assert clashes(app) == {"pricing": ["shop/pricing.py", "shop/services/pricing.py"]}
