"""Installing Desk like an application: the packages the build declares, the scripts,
the desktop entry and its icon, the bundle's recipe."""

from __future__ import annotations

import fnmatch
import os
import tomllib
from pathlib import Path

import pytest
from setuptools import find_namespace_packages

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def _shipped_folders() -> list[Path]:
    """Every folder under the top-level packages that holds a file (not bytecode)."""
    tops = [ROOT / name for name in ("desk", "ui", "models", "reports", "resources")]
    folders = []
    for top in tops:
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            if any(not f.endswith((".pyc", ".qm")) for f in files):
                folders.append(Path(folder))
    return folders


def test_every_folder_with_code_or_data_is_a_declared_package() -> None:
    """A folder the build copies but the configuration does not name is what made
    ``pip install -e .`` print ~90 "Package 'resources.fonts' is absent" warnings."""
    find = SETUPTOOLS.get("packages", {})
    assert isinstance(find, dict) and "find" in find, "declare packages with packages.find"
    found = set(find_namespace_packages(str(ROOT), include=find["find"]["include"],
                                        exclude=find["find"].get("exclude", [])))
    data = SETUPTOOLS.get("package-data", {})
    for folder in _shipped_folders():
        package = ".".join(folder.relative_to(ROOT).parts)
        assert package in found, f"{package} is not a declared package"
        for file in folder.iterdir():
            if file.is_dir() or file.suffix in (".py", ".pyc", ".qm"):
                continue
            assert any(fnmatch.fnmatch(file.name, g) for g in data.get(package, [])), \
                f"{file.relative_to(ROOT)} is not in package-data"
    assert not any(p.startswith(("tests", "bench", "build", "dist")) for p in found)


def test_window_and_command_line_are_separate_scripts() -> None:
    """``desk`` is the command line (a console); ``desk-window`` the window, which on
    Windows opens no console."""
    project = PYPROJECT["project"]
    assert project["scripts"] == {"desk": "desk.cli:main"}
    assert project["gui-scripts"] == {"desk-window": "desk.cli:window"}
    from desk import cli

    assert callable(cli.window)
    assert "pyinstaller" in " ".join(project["optional-dependencies"]["bundle"]).lower()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from desk import __version__
    from desk.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"desk {__version__}"
