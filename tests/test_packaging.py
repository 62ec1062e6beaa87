"""What `pip install .` puts in the wheel: every folder of Python files is a package of its own."""

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_folder_of_python_files_in_an_installed_package_is_a_package():
    """Issue 15, defect 9: `make run` printed about 60 lines of setuptools' "Package would be ignored" for
    storage.migrations and its versions, folders of .py files that were no packages; as packages, the wheel
    carries the migrations that `sangkien db upgrade` applies, and the install says nothing."""
    find = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]["find"]
    assert find.get("namespaces") is False  # a folder without __init__.py is then left out of the wheel
    folders = {path.parent for path in ROOT.rglob("*.py") if "__pycache__" not in path.parts}
    installed = [f for f in folders if any(fnmatch(".".join(f.relative_to(ROOT).parts), p) for p in find["include"])]
    assert ROOT / "storage" / "migrations" / "versions" in installed
    assert sorted(str(f.relative_to(ROOT)) for f in installed if not (f / "__init__.py").exists()) == []
