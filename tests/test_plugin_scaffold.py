"""`mxshell plugin new NAME --dir D`, then in a fresh venv `pip install -e D` and
`pytest D`: the new plugin's own tests pass as written, with pytest's plugin autoload
on and off. Bad input is refused in one line with exit status 2.

The fresh venv gets mxshell, pytest and pytest-asyncio from the running interpreter's
site folders (a .pth file adds them), to stay fast and offline. Not `venv
--system-site-packages`: when the running interpreter is itself a venv, that flag gives
the *base* interpreter's site, which may hold another mxshell (or none).
"""

from __future__ import annotations

import importlib.util
import os
import re
import site
import subprocess
import sys
from pathlib import Path

import pytest

# Each test makes a venv and runs pip and pytest in it: one worker runs them all.
pytestmark = pytest.mark.xdist_group("plugin-scaffold")

LAUNCH = "import sys; from mxshell.app.launch import main; sys.exit(main())"
NAME = "tank-check"
MODULE = "mxshell_tank_check"
# pytest options for each run that come from the outer run, not from the plugin.
OUTER_PYTEST = re.compile(r"PYTEST_\w+|PYTHONPATH\Z")


def mxshell(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def fresh_env(autoload: bool) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not OUTER_PYTEST.match(key)}
    if not autoload:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return env


def fresh_venv(folder: Path) -> Path:
    """A new venv whose own site folder is empty but for a .pth adding ours; its python."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=60
    )
    python = folder / "bin" / "python"
    own_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = site.getsitepackages()
    if site.ENABLE_USER_SITE:
        ours.append(site.getusersitepackages())
    lines = "".join(f"import site; site.addsitedir({path!r})\n" for path in ours)
    Path(own_site, "_running_interpreters_site.pth").write_text(lines)
    return python


@pytest.mark.parametrize("autoload", [True, False], ids=["autoload", "no-autoload"])
def test_a_new_plugin_installs_in_a_fresh_venv_and_its_tests_pass(
    tmp_path: Path, autoload: bool
) -> None:
    plugin = tmp_path / "plugin"
    made = mxshell("plugin", "new", NAME, "--dir", str(plugin), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (plugin / "src" / MODULE / "__init__.py").is_file()
    tests = (plugin / "tests" / "test_tank_check.py").read_text()
    expected = len(re.findall(r"^(?:async )?def test_", tests, re.MULTILINE))
    assert expected >= 5

    python = fresh_venv(tmp_path / "venv")
    env = fresh_env(autoload)
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
        + ["-e", str(plugin)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    # Installed in the fresh venv, not in ours.
    assert importlib.util.find_spec(MODULE) is None
    where = subprocess.run(
        [str(python), "-c", f"import {MODULE}, sys; print(sys.prefix)"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert where.stdout.strip() == str(tmp_path / "venv"), where.stderr

    run = subprocess.run(
        [str(python), "-m", "pytest", str(plugin)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    summary = run.stdout.strip().splitlines()[-1]  # nothing skipped, no warning
    assert re.fullmatch(rf"=+ {expected} passed in [\d.]+s(?: \([\d:]+\))? =+", summary), run.stdout
    (plugins_line,) = re.findall(r"^plugins: (.*)$", run.stdout, re.MULTILINE)
    loaded = {entry.rpartition("-")[0] for entry in plugins_line.split(", ")}
    if autoload:
        assert {"asyncio", "mxshell"} <= loaded
    else:  # only what the plugin's `-p mxshell` asked for, and pytest-asyncio with it
        assert loaded == {"asyncio", "mxshell"}


def test_a_new_plugin_is_lint_clean(tmp_path: Path) -> None:
    made = mxshell("plugin", "new", "lint_me", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    plugin = tmp_path / "mxshell-lint_me"
    assert sorted(p.relative_to(plugin).as_posix() for p in plugin.rglob("*") if p.is_file()) == [
        ".gitignore",
        "README.md",
        "pyproject.toml",
        "src/mxshell_lint_me/__init__.py",
        "tests/test_lint_me.py",
    ]
    for check in (["check"], ["format", "--check"]):
        run = subprocess.run(
            [sys.executable, "-m", "ruff", *check, "--no-cache", "."],
            capture_output=True,
            text=True,
            cwd=plugin,
        )
        assert run.returncode == 0, run.stdout + run.stderr
    text = (plugin / "src" / "mxshell_lint_me" / "__init__.py").read_text()
    assert "{{" not in text and "lint_me-read" in text
    imports = re.findall(r"^(?:from|import) (mxshell\S*)", text, re.MULTILINE)
    assert imports == ["mxshell.api"], "a plugin imports mxshell.api only"


def test_a_folder_that_is_not_empty_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    run = mxshell("plugin", "new", "tankfarm", "--dir", "taken", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr == (
        "mxshell plugin: taken exists and is not empty; choose another with --dir\n"
    )
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_the_default_folder_is_mxshell_name_and_an_empty_one_is_used(tmp_path: Path) -> None:
    (tmp_path / "mxshell-tankfarm").mkdir()
    run = mxshell("plugin", "new", "tankfarm", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "mxshell-tankfarm" / "pyproject.toml").is_file()
    again = mxshell("plugin", "new", "tankfarm", cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr.startswith("mxshell plugin: mxshell-tankfarm exists and is not empty")


@pytest.mark.parametrize("name", ["Tankfarm", "1tank", "tank farm", "tank.farm", "-tank", ""])
def test_a_bad_plugin_name_is_refused_in_one_line(tmp_path: Path, name: str) -> None:
    run = mxshell("plugin", "new", name, "--dir", "out", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.startswith("mxshell plugin: ") and run.stderr.count("\n") == 1
    assert "Traceback" not in run.stderr and not (tmp_path / "out").exists()


def test_a_built_in_plugins_name_is_refused(tmp_path: Path) -> None:
    run = mxshell("plugin", "new", "core", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr == "mxshell plugin: 'core' is the name of one of mxshell's built-in plugins\n"


def test_plugin_without_an_action_says_what_to_do(tmp_path: Path) -> None:
    run = mxshell("plugin", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (
        2,
        "mxshell plugin: say what to do: mxshell plugin new NAME [--dir D]\n",
    )
    unknown = mxshell("plugin", "old", "x", cwd=tmp_path)
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert "invalid choice: 'old'" in unknown.stderr


def test_the_guide_shows_what_plugin_new_prints(tmp_path: Path) -> None:
    guide = (Path(__file__).resolve().parents[1] / "docs" / "plugins.md").read_text()
    run = mxshell("plugin", "new", "tankfarm", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert f"$ mxshell plugin new tankfarm\n{run.stdout}```" in guide
