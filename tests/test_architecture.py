"""The architecture rules that import-linter cannot express: no import of a project module inside a function (it
hides a dependency, usually a cycle dodged), and the contracts themselves (pyproject's [tool.importlinter])."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("config", "committees", "matching")


def _project_modules():
    for package in PROJECT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _is_project_import(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] in PROJECT_PACKAGES
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] in PROJECT_PACKAGES for alias in node.names)
    return False


def function_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for function in ast.walk(tree):
        if path.name == "apps.py" and getattr(function, "name", "") == "ready":
            continue  # AppConfig.ready(): Django's one place for wiring that needs the models loaded
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if _is_project_import(node):
                    found.append(f"{path.name}:{node.lineno} in {function.name}()")
    return found


def test_no_project_module_is_imported_inside_a_function():
    found = [hit for path in _project_modules() for hit in function_level_imports(path)]
    assert found == [], "imports inside functions:\n" + "\n".join(found)


def test_the_checker_sees_a_function_level_import(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "import json\nfrom matching import scoring\n\n"
        "def f():\n    import json\n    from committees import scoping\n    from . import sibling\n"
    )
    assert function_level_imports(module) == ["example.py:6 in f()", "example.py:7 in f()"]


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
