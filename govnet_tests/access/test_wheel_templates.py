"""A normal (non-editable) install provisions: the wheel carries every template (issue 16).

The wheel is built from a copy of the source tree with pip, installed with
``pip install --no-deps --target`` into a directory of its own, and imported from
there first (the dependencies still come from this venv); every platform's attach and
detach are rendered from that installed copy and must equal the source tree's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from access.render import configs_dir, render
from access.specs import PLATFORMS
from govnet_tests.access.test_render_golden import sample

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__",
                              ".lock-venv", "govnet_tests", ".mypy_cache", ".ruff_cache",
                              ".pytest_cache", ".hypothesis", "lab-run")
RENDER = """
import json, sys
from access.render import configs_dir, render
from access.specs import PLATFORMS
from govnet_tests.access.test_render_golden import sample
out = {"root": str(configs_dir()), "platforms": {}}
for p in sorted(PLATFORMS):
    spec = sample(p, "routed")
    out["platforms"][p] = {t: render(p, t, spec) for t in ("attach", "detach")}
print(json.dumps(out))
"""


@pytest.mark.slow
def test_the_installed_wheel_renders_every_platform(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=SKIP, symlinks=True)
    env = {k: v for k, v in os.environ.items() if k != "GOVNET_CONFIGS"}
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(src),
                            "-w", str(tmp_path / "wheel")], capture_output=True, text=True,
                           env=env, timeout=240)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / "wheel").glob("govnet-*.whl"))
    site = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                                "--target", str(site), str(wheel)], capture_output=True,
                               text=True, env=env, timeout=120)
    assert installed.returncode == 0, installed.stderr[-2000:]
    assert sorted(p.name for p in (site / "configs").iterdir() if p.is_dir()
                  and not p.name.startswith("_")) == sorted(PLATFORMS)
    # the installed copy first; the repository only for the test's sample specs
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    ran = subprocess.run([sys.executable, "-c", RENDER], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=120)
    assert ran.returncode == 0, ran.stderr[-2000:]
    got = json.loads(ran.stdout)
    assert Path(got["root"]).resolve() == (site / "configs").resolve()
    assert Path(got["root"]).resolve() != configs_dir().resolve()
    for platform in sorted(PLATFORMS):
        spec = sample(platform, "routed")
        for template in ("attach", "detach"):
            lines = got["platforms"][platform][template]
            assert lines and lines == render(platform, template, spec), (platform, template)
