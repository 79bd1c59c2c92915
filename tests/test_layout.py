"""The layers point one way, and the package works installed from a wheel, not only from a checkout."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from service.settings import ROOT

BIN = Path(sys.executable).parent


def test_imports_point_one_way():
    """import-linter's contracts in pyproject.toml: core is pure; nothing imports a layer above it."""
    result = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_a_preview_never_touches_the_database(tmp_path):
    """`textline text` answers with no database at all: DATABASE_URL points at a server that is not there."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
        "TEXTLINE_INSTANCE_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [str(BIN / "textline"), "text", "MEDS"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("-- GSM-7")


def test_the_wheel_answers_meds_from_another_folder(tmp_path):
    """Build the wheel, install it alone in a fresh virtualenv, and text it from an unrelated folder."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            str(BIN / "pip"),
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(wheels.glob("textline-*.whl"))
    fresh = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True, timeout=120)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(fresh), "platbase": str(fresh)}))
    # The dependencies come from this virtualenv's site-packages, added as a plain path: its own
    # .pth files (the editable install of this checkout among them) are not run.
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [
            str(BIN / "pip"),
            "--python",
            str(fresh / "bin" / "python"),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"} | {
        "TEXTLINE_CONTENT_DIR": str(ROOT / "content"),
        "TEXTLINE_TRANSLATIONS_DIR": str(ROOT / "translations"),
        "TEXTLINE_INSTANCE_DIR": str(tmp_path / "instance"),
    }
    where = subprocess.run(
        [str(fresh / "bin" / "python"), "-c", "import service; print(service.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert where.stdout.startswith(str(site)), where.stdout
    reply = subprocess.run(
        [str(fresh / "bin" / "textline"), "text", "MEDS"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert reply.returncode == 0, reply.stderr
    assert "antidepressant" in reply.stdout and "topic MEDS, locale en, page 1" in reply.stdout
    upgrade = subprocess.run(
        [str(fresh / "bin" / "textline"), "db", "upgrade"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert upgrade.returncode == 0 and "revision" in upgrade.stdout, upgrade.stderr
    assert (tmp_path / "instance" / "textline.db").exists()
