"""Installing Desk like an application: the packages the build declares, the scripts,
the desktop entry and its icon, the bundle's recipe."""

from __future__ import annotations

import configparser
import fnmatch
import os
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
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
    assert project["scripts"] == {"desk": "desk.cli.main:main"}
    assert project["gui-scripts"] == {"desk-window": "desk.cli.main:window"}
    from desk.cli import main as cli

    assert callable(cli.window)
    assert "pyinstaller" in " ".join(project["optional-dependencies"]["bundle"]).lower()


def test_desktop_entry_and_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(ROOT / "resources" / "icons" / "desk.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "desk-window"
    assert section["Icon"] == "desk"
    assert section["Name[zh_CN]"] and section["Name"]
    svg = ET.parse(ROOT / "resources" / "icons" / "desk.svg").getroot()
    assert svg.tag.endswith("svg") and svg.get("viewBox")
    png = (ROOT / "resources" / "icons" / "desk-256.png").read_bytes()
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") == 256


@pytest.mark.skipif(sys.platform != "linux", reason="the desktop entry is for Linux")
def test_install_desktop_copies_entry_and_icon(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "DESK_VENV": str(venv)}

    def install() -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(ROOT / "desk.sh"), "install-desktop"], env=env,
                              capture_output=True, text=True, timeout=60, cwd=tmp_path)

    refused = install()  # no environment yet: say how to make it, install nothing
    assert refused.returncode == 1 and "./desk.sh" in refused.stderr
    assert not (tmp_path / "data").exists()

    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "desk-window").write_text("#!/bin/sh\n")
    (venv / "bin" / "desk-window").chmod(0o755)
    done = install()
    assert done.returncode == 0, done.stderr
    data = tmp_path / "data"
    entry = (data / "applications" / "desk.desktop").read_text(encoding="utf-8")
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert exec_line == f"Exec={venv / 'bin' / 'desk-window'}"  # this environment's, by path
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "desk.svg").is_file()
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / "desk.png").is_file()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from desk import __version__
    from desk.cli.main import main

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"desk {__version__}"


def test_first_page_check_saves_the_sign_in_and_quits(tmp_path: Path) -> None:
    """What .ci/bundle-check asks of the bundle, here from the source."""
    env = {**os.environ, "DESK_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "DESK_FIRST_PAGE_PNG": str(tmp_path / "first.png"), "PYTHONPATH": str(ROOT)}
    env.pop("DESK_DB_URL", None)
    done = subprocess.run([sys.executable, "-m", "desk.cli", "--demo"], env=env,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "first page: SignInDialog" in done.stdout
    assert (tmp_path / "first.png").read_bytes().startswith(b"\x89PNG")
