"""scripts/install.py, the one install route (make, .ci/run, the Dockerfile): uv with pip's own index
settings, pip with a one-line notice when uv cannot be had.  Run on a tiny lock from a local folder."""

import base64
import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# the interpreter the virtualenv was made from: it has pip, as the machine's python3.11 does
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)

sys.path.insert(0, str(ROOT / "scripts"))
import install  # noqa: E402

sys.path.pop(0)


def make_wheel(folder: Path, name="portal_install_probe", version="1.0") -> None:
    """A minimal pure-Python wheel, so that nothing here needs the network."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f"VERSION = {version!r}\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    files[f"{dist}/RECORD"] = "\n".join([*record, f"{dist}/RECORD,,"]) + "\n"
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as whl:
        for path, text in files.items():
            whl.writestr(path, text)


def run_install(tmp_path, lock_text: str, path: str):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    make_wheel(wheels)
    lock = tmp_path / "requirements.lock"
    lock.write_text(lock_text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "VIRTUAL_ENV"))}
    # pip's settings, and nothing else: no index, only the local folder (uv must get them too, or fail)
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels), PATH=path,
               XDG_CACHE_HOME=str(tmp_path / "cache"), UV_CACHE_DIR=str(tmp_path / "uv-cache"))
    venv = tmp_path / "venv"
    result = subprocess.run([BASE_PYTHON, str(ROOT / "scripts" / "install.py"), str(venv), "--lock", str(lock)],
                            env=env, capture_output=True, text=True, timeout=300)
    probe = subprocess.run([str(venv / "bin" / "python"), "-c", "import portal_install_probe as p; print(p.VERSION)"],
                           capture_output=True, text=True)
    return result, probe.stdout.strip()


def test_uv_installs_with_the_indexes_pip_is_configured_with(tmp_path):
    uv = Path(sys.executable).parent / "uv"  # installed from requirements.lock; put on PATH here
    result, probe = run_install(tmp_path, "portal-install-probe==1.0\n", f"{uv.parent}:/usr/bin:/bin")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已用 uv 安装" in result.stdout and "pip" not in result.stdout
    assert probe == "1.0"


def test_pip_with_one_line_notice_when_uv_cannot_be_had(tmp_path):
    # no uv on PATH, none cached, and pip cannot fetch the pinned one: no index
    result, probe = run_install(tmp_path, "uv==0.13.9\nportal-install-probe==1.0\n", "/usr/bin:/bin")
    assert result.returncode == 0, result.stdout + result.stderr
    notices = [line for line in result.stdout.splitlines() if "uv 不可用" in line]
    assert len(notices) == 1 and "改用 pip 安装" in notices[0] and "uv==0.13.9" in notices[0]
    assert "已用 pip 安装" in result.stdout
    assert probe == "1.0"


def test_pip_settings_become_uv_options(monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("UV_HTTP_TIMEOUT", raising=False)
    args, env = install.uv_arguments({
        "index-url": "https://mirror.example/simple",
        "extra-index-url": "file:///opt/pypi/simple file:///opt/pypi-more/simple",
        "find-links": "/opt/wheels", "constraint": "/etc/pip/c.txt", "trusted-host": "mirror.example",
        "default-timeout": "180", "cert": "/etc/ssl/ca.pem",
    })
    assert args[:2] == ["--index-url", "https://mirror.example/simple"]
    assert [args[i + 1] for i, a in enumerate(args) if a == "--extra-index-url"] == [
        "file:///opt/pypi/simple", "file:///opt/pypi-more/simple"]
    assert ["--find-links", "/opt/wheels"] == args[args.index("--find-links"):args.index("--find-links") + 2]
    # pip takes the best version over all indexes; so must uv (its default stops at the first that has it)
    assert args[args.index("--index-strategy") + 1] == "unsafe-best-match"
    assert "--constraints" in args and "--allow-insecure-host" in args
    assert env == {"UV_HTTP_TIMEOUT": "180", "SSL_CERT_FILE": "/etc/ssl/ca.pem"}
    assert install.uv_arguments({}) == ([], {})


@pytest.mark.skipif(subprocess.run([BASE_PYTHON, "-m", "pip", "--version"], capture_output=True).returncode,
                    reason="the base interpreter has no pip")
def test_pip_config_is_read_with_pips_precedence(tmp_path, monkeypatch):
    config = tmp_path / "pip.conf"
    config.write_text("[global]\nindex-url = https://global.example/simple\n"
                      "[install]\nindex-url = https://install.example/simple\nfind-links = /from/file\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    monkeypatch.setenv("PIP_FIND_LINKS", "/from/env")
    settings = install.pip_config(BASE_PYTHON)
    assert settings["index-url"] == "https://install.example/simple"  # [install] over [global]
    assert settings["find-links"] == "/from/env"  # the environment over any file


def test_uv_is_pinned_once_in_the_lock_and_in_pyproject():
    version = install.pinned("uv")
    assert re.search(rf'"uv=={re.escape(version)}"', (ROOT / "pyproject.toml").read_text())
