"""Install requirements.lock with uv (pip when uv cannot be had).  The one install route of the project:
the Makefile (so `make run`, `make test` and .ci/run) and the Dockerfile call it.

    python3.11 scripts/install.py .venv            # create the virtualenv if needed, install the lock into it
    python scripts/install.py --system             # the Docker image: into the interpreter running this

uv is the one on PATH if there is one; otherwise the version pinned in requirements.lock, installed by
pip from the package index (once per user: kept in ~/.cache/social-org-portal/, then copied into
the virtualenv).  uv is given pip's own index settings (index-url, extra-index-url, find-links, no-index,
constraint, cert, trusted-host, timeout), so both see the same packages; with extra indexes the best
version across all of them wins, as with pip.  Everything cached is tried first offline (the lock pins
exact versions), so a second checkout installs without network round trips.

Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"


def notice(message: str) -> None:
    print(f"install: {message}", flush=True)


def pinned(name: str, lock: Path = LOCK) -> str:
    """The version of ``name`` in the lock (the lock is the single source of versions)."""
    for line in lock.read_text(encoding="utf-8").splitlines():
        m = re.match(rf"^{re.escape(name)}==([^\s;#]+)", line.strip(), re.IGNORECASE)
        if m:
            return m.group(1)
    raise LookupError(f"{name} is not pinned in {lock.name}")


def pip_config(python: str) -> dict[str, str]:
    """pip's effective settings for `pip install` (env beats [install] beats [global]); {} without pip."""
    try:
        out = subprocess.run([python, "-m", "pip", "config", "list"], capture_output=True, text=True,
                             timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    rank = {"global": 1, "install": 2, ":env:": 3}
    found: dict[str, tuple[int, str]] = {}
    for line in out.splitlines():
        key, sep, raw = line.partition("=")
        section, _, name = key.partition(".")
        if not sep or section not in rank:
            continue
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw.strip("'\"")
        if rank[section] >= found.get(name, (0, ""))[0]:
            found[name] = (rank[section], str(value))
    return {name: value for name, (_, value) in found.items()}


def uv_arguments(config: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """uv's command-line options and environment equivalent to pip's settings."""
    args: list[str] = []
    env: dict[str, str] = {}
    if config.get("index-url"):
        args += ["--index-url", config["index-url"]]
    extra = config.get("extra-index-url", "").split()
    links = config.get("find-links", "").split()
    for url in extra:
        args += ["--extra-index-url", url]
    for link in links:
        args += ["--find-links", link]
    if extra or links:
        # pip takes the best match over every index; uv's default stops at the first index that has the name
        args += ["--index-strategy", "unsafe-best-match"]
    if config.get("no-index", "").lower() in {"1", "true", "yes", "on"}:
        args.append("--no-index")
    for constraint in config.get("constraint", "").split():
        args += ["--constraints", constraint]
    for host in config.get("trusted-host", "").split():
        args += ["--allow-insecure-host", host]
    if config.get("cert") and not os.environ.get("SSL_CERT_FILE"):
        env["SSL_CERT_FILE"] = config["cert"]
    timeout = config.get("default-timeout") or config.get("timeout")
    if timeout and not os.environ.get("UV_HTTP_TIMEOUT"):
        env["UV_HTTP_TIMEOUT"] = timeout
    if config.get("proxy"):
        env.setdefault("HTTPS_PROXY", os.environ.get("HTTPS_PROXY") or config["proxy"])
        env.setdefault("HTTP_PROXY", os.environ.get("HTTP_PROXY") or config["proxy"])
    return args, env


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "social-org-portal"


class Unavailable(Exception):
    """uv cannot be had here; the message says why (shown in the one-line notice)."""


def pip_install_uv(version: str, prefix: Path | None) -> None:
    """pip installs uv ``version`` under ``prefix`` (into the running interpreter when None)."""
    # under a prefix: the user's pip cache may serve; into the interpreter (the image): no cache kept
    where = ["--no-cache-dir"]
    if prefix is not None:
        where = ["--prefix", str(prefix), "--ignore-installed", "--no-warn-script-location"]
    result = subprocess.run([sys.executable, "-m", "pip", "install", "-qq", "--disable-pip-version-check",
                             "--no-deps", *where, f"uv=={version}"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise Unavailable(f"pip 未能安装 uv=={version}：" + (lines[-1] if lines else f"退出码 {result.returncode}"))


def cached_uv(version: str) -> Path:
    """uv ``version``, installed by pip once per user into ~/.cache/social-org-portal/uv-VERSION/."""
    home = cache_dir() / f"uv-{version}"
    uv = home / "bin" / "uv"
    if uv.exists():
        return uv
    try:
        home.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".uv-{version}-", dir=home.parent))
    except OSError as exc:
        raise Unavailable(f"{home.parent} 不可写：{exc}") from exc
    try:
        pip_install_uv(version, staging)
        (home / "bin").mkdir(parents=True, exist_ok=True)
        os.replace(staging / "bin" / "uv", uv)  # atomic: a parallel checkout sees all of it or nothing
        return uv
    except OSError as exc:
        raise Unavailable(str(exc)) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def find_uv(venv: Path | None, lock: Path) -> Path:
    """uv on PATH, else the one pinned in the lock: in the virtualenv, or (``venv`` None) in this interpreter."""
    on_path = shutil.which("uv")
    if on_path:
        return Path(on_path)
    try:
        version = pinned("uv", lock)
    except LookupError as exc:
        raise Unavailable(str(exc)) from exc
    if venv is None:
        pip_install_uv(version, None)
        return Path(shutil.which("uv", path=str(Path(sys.executable).parent)) or Path(sys.prefix) / "bin" / "uv")
    target = venv / "bin" / "uv"
    if target.exists():
        return target
    uv = cached_uv(version)
    try:
        os.link(uv, target)
    except OSError:
        shutil.copy2(uv, target)
    return target


def install_with_uv(uv: Path, python: str, lock: Path, *, system: bool, config: dict[str, str]) -> None:
    args, env = uv_arguments(config)
    env = {**os.environ, **env}
    command = [str(uv), "pip", "install", "--quiet", "--python", python, *args, "-r", str(lock)]
    if system:
        # the image keeps no cache; --system: the interpreter is not a virtualenv
        command[3:3] = ["--system", "--no-cache"]
    else:
        # the lock pins exact versions: what the cache already holds is what the index would give
        offline = subprocess.run([*command, "--offline"], env=env, capture_output=True, text=True)
        if offline.returncode == 0:
            return
    if subprocess.run(command, env=env).returncode != 0:
        raise Unavailable("uv 未能安装依赖（见上）")


def install_with_pip(python: str, lock: Path) -> bool:
    """pip installs the lock, uv's own line aside (when uv could not be had, pip cannot get it either)."""
    if subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "ensurepip", "--default-pip"], capture_output=True)
    lines = [line for line in lock.read_text(encoding="utf-8").splitlines()
             if not re.match(r"^uv\s*==", line.strip(), re.IGNORECASE)]
    with tempfile.NamedTemporaryFile("w", suffix=".lock", encoding="utf-8", delete=False) as without_uv:
        without_uv.write("\n".join(lines) + "\n")
    try:
        return subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                               "-r", without_uv.name]).returncode == 0
    finally:
        os.unlink(without_uv.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("venv", nargs="?", type=Path, help="the virtualenv (created when missing)")
    parser.add_argument("--system", action="store_true", help="install into the interpreter running this")
    parser.add_argument("--lock", type=Path, default=LOCK)
    opts = parser.parse_args(argv)
    if bool(opts.venv) == opts.system:
        parser.error("give a virtualenv or --system")
    started = time.monotonic()
    # pip's settings are read (a second of pip's start-up) while the virtualenv and uv are made ready
    config = ThreadPoolExecutor(max_workers=1).submit(pip_config, sys.executable)
    if opts.system:
        python = sys.executable
    else:
        python = str(opts.venv / "bin" / "python")
        if not os.access(python, os.X_OK):
            # no pip inside: uv installs (and the pip fallback bootstraps pip only when it is needed)
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(opts.venv)], check=True)
    try:
        uv = find_uv(None if opts.system else opts.venv, opts.lock)
        install_with_uv(uv, python, opts.lock, system=opts.system, config=config.result())
        tool = "uv"
    except (Unavailable, OSError) as exc:
        notice(f"uv 不可用（{exc}），改用 pip 安装（较慢）")
        if not install_with_pip(python, opts.lock):
            return 1
        tool = "pip"
    notice(f"已用 {tool} 安装 {opts.lock.name}（{time.monotonic() - started:.1f} s）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
