#!/usr/bin/env python3
"""Find, or provision, a Python for each supported minor version (3.11 to 3.15).

    python3 tools/pythons.py                       # what is there, nothing installed
    python3 tools/pythons.py --provision 3.14 3.15 # make what is missing (Linux, root)

Every function gives back an argv *prefix* that runs the interpreter, so a caller
writes ``subprocess.run([*prefix, "-m", "pytest", ...])``.

Where an interpreter comes from, in this order:

1. ``python3.X`` on PATH (on Windows also ``py -3.X``), then pyenv
   (``$PYENV_ROOT`` or ``~/.pyenv``, ``versions/3.X.*/bin/python3.X``, newest patch
   first). Each is asked for its version before it is used. A maintainer on macOS or
   with python.org installers simply has the Pythons on PATH.
2. Only for 3.14 and 3.15, only on Linux as root with apt-get: a small Debian unstable
   (sid) tree, made with ``debootstrap`` in ``<repo>/.pythons/sid`` and reused after.
   Its interpreters run through ``bwrap`` (Debian's bubblewrap) with the tree as ``/``
   and the repo bound read-write at its own path, so ``pip install -e .``, the tests,
   multiprocessing (fork, spawn, forkserver), kernels and JupyterLab work as on the
   host. The network is shared with the host.

This is the maintainers' test path only: a learner's ``course.py lab`` never uses it.
Standard library only; runs under the system ``python3`` (3.11 or newer) before any
virtual environment exists.
"""

import argparse
import configparser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

SUPPORTED = ("3.11", "3.12", "3.13", "3.14", "3.15")
"""The minor versions the course supports, oldest first."""
SID_VERSIONS = ("3.14", "3.15")
"""The versions that can be provisioned from Debian unstable when nowhere else."""
SID_PACKAGES = tuple(f"python{v}{suffix}" for v in SID_VERSIONS for suffix in ("", "-venv"))
"""What the sid tree holds beyond debootstrap's minimal base."""
HOST_TOOLS = {"debootstrap": "debootstrap", "bwrap": "bubblewrap"}
"""Command -> the Debian package that provides it (installed with apt-get if missing)."""
TREE = Path(".pythons") / "sid"
"""Where the sid tree lives, relative to the repo (the repo must git-ignore .pythons/)."""
SANDBOX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
"""PATH inside the sandbox (the host's PATH names directories the tree does not have)."""
HOST_READ_ONLY = (
    "/sys",  # psutil's core counts and cgroup limits, as on the host
    "/etc/resolv.conf",
    "/etc/hosts",
    "/etc/ssl/certs",  # certificates for pip (cert = .../ca-certificates.crt)
    "/usr/share/ca-certificates",  # what /etc/ssl/certs links to
    "/usr/local/share/ca-certificates",
)
"""Host paths bound read-only into the sandbox when they exist."""
PIP_PATH_OPTIONS = (
    "find-links", "index-url", "extra-index-url", "cert", "client-cert",
    "constraint", "requirement", "build-constraint",
)
"""pip options whose values may name local files or folders the sandbox must see."""
VERSION_CODE = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
PROBE_TIMEOUT_S = 60
PROVISION_TIMEOUT_S = 1800


class PythonUnavailable(RuntimeError):
    """No interpreter for a version, with one sentence saying why and what to install."""


# --- versions ------------------------------------------------------------------------


def parse_version(text: str) -> str:
    """``"3.14"``, ``"3.14.10"``, ``"py3.14"`` or ``"python3.14"`` -> ``"3.14"``."""
    match = re.fullmatch(r"(?:py|python)?(3)\.(\d+)(?:\.\d+)?", str(text).strip())
    if match is None:
        raise ValueError(f"not a Python version: {text!r}; pass one like '3.14'")
    return f"{match[1]}.{int(match[2])}"


def supported_version(text: str) -> str:
    """The normalised minor version, or ValueError naming the supported ones."""
    version = parse_version(text)
    if version not in SUPPORTED:
        raise ValueError(f"Python {version} is not supported by the course; "
                         f"pass one of {', '.join(SUPPORTED)}")
    return version


def pyenv_version_key(name: str, version: str) -> tuple[int, int, int] | None:
    """Sort key for a pyenv ``versions/`` entry of ``version`` (None: not one of it).

    Finals sort after pre-releases of the same patch; free-threaded (``3.13.0t``),
    ``-dev`` and other flavours are not matched.
    """
    match = re.fullmatch(re.escape(version) + r"\.(\d+)(?:(a|b|rc)(\d+))?", name)
    if match is None:
        return None
    stage = {"a": 0, "b": 1, "rc": 2, None: 3}[match[2]]
    return int(match[1]), stage, int(match[3] or 0)


def order_pyenv_versions(names: Iterable[str], version: str) -> list[str]:
    """The pyenv ``versions/`` entries for ``version``, newest patch first."""
    keyed = [(key, name) for name in names
             if (key := pyenv_version_key(name, version)) is not None]
    return [name for _, name in sorted(keyed, reverse=True)]


# --- finding an installed Python -----------------------------------------------------


def pyenv_root(env: Mapping[str, str]) -> Path:
    """``$PYENV_ROOT``, or ``~/.pyenv``."""
    root = env.get("PYENV_ROOT")
    return Path(root) if root else Path(env.get("HOME", str(Path.home()))) / ".pyenv"


def pyenv_candidates(version: str, root: Path) -> list[list[str]]:
    """The pyenv interpreters for ``version`` that exist, newest patch first."""
    try:
        names = os.listdir(root / "versions")
    except OSError:
        return []
    paths = [root / "versions" / name / "bin" / f"python{version}"
             for name in order_pyenv_versions(names, version)]
    return [[str(path)] for path in paths if path.is_file()]


def path_candidates(version: str, env: Mapping[str, str],
                    which: Callable[..., str | None] = shutil.which) -> list[list[str]]:
    """``python3.X`` on PATH, and on Windows the launcher's ``py -3.X``."""
    found = []
    path = which(f"python{version}", path=env.get("PATH", os.defpath))
    if path:
        found.append([path])
    if os.name == "nt" and (launcher := which("py", path=env.get("PATH", os.defpath))):
        found.append([launcher, f"-{version}"])
    return found


def candidates(version: str, env: Mapping[str, str] | None = None,
               which: Callable[..., str | None] = shutil.which) -> list[list[str]]:
    """Every argv prefix worth trying for ``version``: PATH first, then pyenv."""
    env = os.environ if env is None else env
    found = path_candidates(version, env, which) + pyenv_candidates(version, pyenv_root(env))
    unique: list[list[str]] = []
    for argv in found:
        if argv not in unique:
            unique.append(argv)
    return unique


def probe(prefix: Sequence[str], timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """The full version (``"3.14.10"``) that ``prefix`` runs, or None if it does not run."""
    try:
        done = subprocess.run([*prefix, "-c", VERSION_CODE], capture_output=True,
                              text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    reported = done.stdout.strip()
    return reported if done.returncode == 0 and re.fullmatch(r"\d+\.\d+\.\d+", reported) \
        else None


def reports(full_version: str | None, version: str) -> bool:
    """Whether a probed ``"3.14.10"`` is the minor version ``"3.14"``."""
    return full_version is not None and parse_version(full_version) == version


def find_python(version: str, env: Mapping[str, str] | None = None,
                probe: Callable[[Sequence[str]], str | None] = probe) -> list[str] | None:
    """The argv prefix of an installed Python ``version`` (PATH, then pyenv), or None.

    Provisions nothing. Each candidate is run once to check the version it reports
    (a pyenv shim for a version that is not selected exits with an error, for one).
    """
    version = supported_version(version)
    for argv in candidates(version, env):
        if reports(probe(argv), version):
            return argv
    return None


# --- why provisioning cannot work here -----------------------------------------------


def not_found(version: str) -> str:
    """The start of every 'not available' sentence."""
    return f"Python {version} not found on PATH or under pyenv"


def install_hint(version: str) -> str:
    """The end of every 'not available' sentence: what to install."""
    return (f"install it from python.org or your package manager "
            f"(or `pyenv install {version}`)")


def provision_blocker(version: str, platform: str | None = None, euid: int | None = None,
                      which: Callable[[str], str | None] = shutil.which) -> str | None:
    """One sentence saying why ``version`` cannot be provisioned here, or None if it can.

    ``platform`` and ``euid`` default to this machine's.
    """
    platform = sys.platform if platform is None else platform
    if euid is None:
        euid = os.geteuid() if hasattr(os, "geteuid") else -1
    start = not_found(version)
    if version not in SID_VERSIONS:
        return f"{start}; {install_hint(version)}."
    if platform != "linux":
        return f"{start}; {install_hint(version)}."
    if euid != 0:
        return (f"{start}, and provisioning it from Debian unstable needs root; "
                f"{install_hint(version)}, or rerun as root on Debian or Ubuntu.")
    if which("apt-get") is None:
        return (f"{start}, and provisioning it from Debian unstable needs apt-get "
                f"(Debian or Ubuntu); {install_hint(version)}.")
    return None


# --- the sid tree --------------------------------------------------------------------


def tree_dir(repo: Path) -> Path:
    """The sid tree of ``repo``."""
    return Path(repo).resolve() / TREE


def tree_python(version: str) -> str:
    """The interpreter's path inside the tree."""
    return f"/usr/bin/python{version}"


def installed_packages(dpkg_status: str) -> set[str]:
    """The packages that ``/var/lib/dpkg/status`` text lists as installed."""
    installed = set()
    for stanza in dpkg_status.split("\n\n"):
        fields = dict(re.findall(r"^([\w-]+): (.*)$", stanza, flags=re.MULTILINE))
        if fields.get("Status") == "install ok installed" and "Package" in fields:
            installed.add(fields["Package"])
    return installed


def tree_has(tree: Path, version: str) -> bool:
    """Whether a finished tree holds ``python3.X`` and its venv support."""
    try:
        status = (tree / "var/lib/dpkg/status").read_text(encoding="utf-8")
    except OSError:
        return False
    wanted = {f"python{version}", f"python{version}-venv"}
    return (tree / tree_python(version).lstrip("/")).is_file() and \
        wanted <= installed_packages(status)


def have_bwrap() -> bool:
    """Whether bubblewrap's ``bwrap`` is on PATH (a tree is no use without it)."""
    return shutil.which("bwrap") is not None


def debootstrap_argv(target: Path) -> list[str]:
    """The debootstrap command that builds the tree (debootstrap's default mirror)."""
    return ["debootstrap", "--variant=minbase", f"--include={','.join(SID_PACKAGES)}",
            "sid", str(target)]


def missing_host_packages(which: Callable[[str], str | None] = shutil.which) -> list[str]:
    """The Debian packages to install for the commands that are not on PATH."""
    return [package for command, package in HOST_TOOLS.items() if which(command) is None]


def apt_env() -> dict[str, str]:
    """The environment for apt-get and debootstrap: never ask a question."""
    return {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


def install_host_tools(log: Callable[[str], None]) -> None:
    """apt-get install debootstrap and bubblewrap if either is missing."""
    packages = missing_host_packages()
    if not packages:
        return
    log(f"installing {' '.join(packages)} with apt-get")
    install = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    if subprocess.run(install, env=apt_env(), check=False).returncode == 0:
        return
    subprocess.run(["apt-get", "update"], env=apt_env(), check=False)
    if subprocess.run(install, env=apt_env(), check=False).returncode != 0:
        raise PythonUnavailable(f"apt-get could not install {' and '.join(packages)}; "
                                "install them yourself, then run this again.")


def mounts_under(path: Path, mountinfo: str | None = None) -> list[str]:
    """Mount points at or below ``path``, deepest first (read from /proc/self/mountinfo)."""
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8")
        except OSError:
            return []
    base = str(path).rstrip("/")
    points = []
    for line in mountinfo.splitlines():
        fields = line.split()
        if len(fields) > 4:
            point = fields[4].replace("\\040", " ")
            if point == base or point.startswith(base + "/"):
                points.append(point)
    return sorted(set(points), key=len, reverse=True)


def remove_tree(path: Path) -> None:
    """Delete a (half-made) tree, first unmounting what debootstrap may have left mounted.

    Never deletes through a mount: if one stays, raise instead (a bound /dev or /proc
    would otherwise be emptied on the host).
    """
    if path.is_symlink():  # a link to a tree kept elsewhere: only the link goes
        path.unlink()
        return
    if not path.exists():
        return
    for point in mounts_under(path):
        subprocess.run(["umount", "-l", point], check=False, capture_output=True)
    if left := mounts_under(path):
        raise PythonUnavailable(f"{path} still has mounts ({', '.join(left)}); "
                                "unmount them, then delete it by hand.")
    shutil.rmtree(path)


def run_debootstrap(target: Path, log_file: Path) -> None:
    """Build the tree in ``target``; its output goes to ``log_file``."""
    with open(log_file, "w", encoding="utf-8") as out:
        try:
            done = subprocess.run(debootstrap_argv(target), stdout=out,
                                  stderr=subprocess.STDOUT, env=apt_env(),
                                  timeout=PROVISION_TIMEOUT_S, check=False)
            status = f"exit {done.returncode}"
        except subprocess.TimeoutExpired:
            status = f"still running after {PROVISION_TIMEOUT_S} s"
    if status != "exit 0":
        lines = log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        last = lines[-1] if lines else "no output"
        raise PythonUnavailable(
            f"debootstrap of Debian sid failed ({status}: {last}; full log "
            f"in {log_file}); check access to the Debian mirror, or install "
            f"{' and '.join('python' + v for v in SID_VERSIONS)} yourself.")


def provision_tree(repo: Path, version: str,
                   log: Callable[[str], None] = print) -> Path:
    """The sid tree of ``repo`` holding ``version``: reused if finished, else built.

    It is built in a temporary folder beside the final one and renamed into place
    once debootstrap succeeded and the interpreters run, so an interrupted build
    never leaves a tree that looks finished. A lock file keeps two builds apart.
    """
    import fcntl  # POSIX only: imported here so that the module loads on Windows

    tree = tree_dir(repo)
    tree.parent.mkdir(parents=True, exist_ok=True)
    with open(tree.parent / "sid.lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        install_host_tools(log)
        if tree_has(tree, version):
            return tree
        for stale in tree.parent.glob("sid.tmp-*"):
            remove_tree(stale)  # left by an interrupted build: we hold the lock
        building = Path(tempfile.mkdtemp(prefix="sid.tmp-", dir=tree.parent))
        try:
            log(f"building a Debian sid tree with {', '.join(SID_PACKAGES)} (about 30 s)")
            run_debootstrap(building, tree.parent / "sid.log")
            for each in SID_VERSIONS:
                prefix = bwrap_argv(building, [Path(repo).resolve()])
                if not reports(probe([*prefix, tree_python(each)]), each):
                    raise PythonUnavailable(
                        f"the new Debian sid tree's python{each} does not run through "
                        f"bwrap; see {tree.parent / 'sid.log'}.")
            old = tree.with_name(f"sid.old-{os.getpid()}")
            if tree.exists():
                tree.rename(old)
            building.rename(tree)
            remove_tree(old)
        finally:
            remove_tree(building)
    return tree


# --- bwrap ---------------------------------------------------------------------------


def pip_config_files(env: Mapping[str, str]) -> list[Path]:
    """pip's configuration files as pip looks for them (global, user, $PIP_CONFIG_FILE)."""
    home = Path(env.get("HOME", str(Path.home())))
    xdg_dirs = env.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    files = [Path(d) / "pip" / "pip.conf" for d in xdg_dirs.split(":") if d]
    files += [Path("/etc/pip.conf"), home / ".pip" / "pip.conf",
              Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "pip" / "pip.conf"]
    if env.get("PIP_CONFIG_FILE") and env["PIP_CONFIG_FILE"] != os.devnull:
        files.append(Path(env["PIP_CONFIG_FILE"]))
    return files


def local_path(value: str) -> Path | None:
    """The local path a pip option value names (a path or a ``file://`` URL), else None.

    A ``file://`` index ending in ``/simple`` gives its parent: an index's pages
    usually link to files beside it (``../../files/x.whl``).
    """
    if value.startswith("file:"):
        path = Path(unquote(urlparse(value).path))
        return path.parent if path.name == "simple" else path
    return Path(value) if value.startswith("/") else None


def pip_option_values(config_text: str) -> list[str]:
    """Every value of a path-like option in a pip configuration file's text."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(config_text)
    except configparser.Error:
        return []
    values = []
    for section in parser.sections():
        for option in PIP_PATH_OPTIONS:
            for key in dict.fromkeys((option, option.replace("-", "_"))):
                if parser.has_option(section, key):
                    values += parser.get(section, key).split()
    return values


def pip_env_values(env: Mapping[str, str]) -> list[str]:
    """Every word of every ``PIP_*`` variable (paths among them are bound)."""
    return [word for name, value in env.items() if name.startswith("PIP_")
            for word in value.split()]


def pip_paths(env: Mapping[str, str]) -> list[Path]:
    """pip's configuration files and the local paths they and ``PIP_*`` name."""
    paths: list[Path] = []
    values = pip_env_values(env)
    for config in pip_config_files(env):
        if config.is_file():
            paths.append(config.parent if config.parent.name == "pip" else config)
            values += pip_option_values(config.read_text(encoding="utf-8", errors="replace"))
    paths += [path for value in values if (path := local_path(value)) is not None]
    return paths


def outermost(paths: Iterable[Path]) -> list[Path]:
    """Absolute paths without duplicates or paths inside others, in a stable order."""
    unique = list(dict.fromkeys(Path(os.path.abspath(p)) for p in paths))
    return [p for p in unique if not any(o != p and o in p.parents for o in unique)]


def read_only_binds(env: Mapping[str, str] | None = None,
                    exists: Callable[[Path], bool] = os.path.exists) -> list[Path]:
    """The host paths the sandbox sees read-only: system files and pip's setup."""
    env = os.environ if env is None else env
    wanted = [Path(p) for p in HOST_READ_ONLY] + pip_paths(env)
    return [path for path in outermost(wanted) if exists(path)]


def bwrap_argv(tree: Path, writable: Sequence[Path], read_only: Sequence[Path] | None = None,
               path: str = SANDBOX_PATH) -> list[str]:
    """The bwrap prefix that runs a command with ``tree`` as ``/``.

    ``writable`` (the repo, a venv) are bound read-write at their own path, after
    everything else so that nothing hides them. No namespace but the mount one is
    unshared: the network, PIDs and the user stay the host's, so pip, servers on
    127.0.0.1 and psutil's view of processes behave as outside. The environment
    passes through (HOME, PIP_*, whatever the caller sets) except PATH; the working
    directory is the caller's.
    """
    read_only = read_only_binds() if read_only is None else read_only
    argv = ["bwrap", "--bind", str(tree), "/", "--proc", "/proc", "--dev", "/dev",
            "--tmpfs", "/dev/shm", "--bind", "/tmp", "/tmp"]
    for host in read_only:
        argv += ["--ro-bind", str(host), str(host)]
    for host in outermost(writable):
        argv += ["--bind", str(host), str(host)]
    return [*argv, "--die-with-parent", "--setenv", "PATH", path, "--"]


def sandbox_prefix(repo: Path, version: str, extra: Sequence[Path] = (),
                   path: str = SANDBOX_PATH) -> list[str]:
    """The argv prefix that runs the tree's ``python3.X`` on ``repo`` through bwrap.

    ``extra`` are more paths bound read-write (a venv outside the repo).
    """
    writable = [Path(repo).resolve(), *extra]
    return [*bwrap_argv(tree_dir(repo), writable, path=path), tree_python(version)]


# --- the API -------------------------------------------------------------------------


def ensure_python(version: str, repo: Path, provision: bool = True,
                  log: Callable[[str], None] = print) -> list[str]:
    """The argv prefix of Python ``version``: found (PATH, pyenv) or provisioned.

    Raises PythonUnavailable with one sentence saying why and what to install when
    neither works (3.11 to 3.13 are never provisioned; 3.14 and 3.15 only on Linux
    as root with apt-get, and only when ``provision`` is true).
    """
    version = supported_version(version)
    if (found := find_python(version)) is not None:
        return found
    if version in SID_VERSIONS and tree_has(tree_dir(repo), version) and have_bwrap():
        return sandbox_prefix(repo, version)
    if (reason := provision_blocker(version)) is not None:
        raise PythonUnavailable(reason)
    if not provision:
        raise PythonUnavailable(
            f"{not_found(version)}; run `python3 tools/pythons.py --provision {version}` "
            f"to make a Debian sid tree for it, or {install_hint(version)}.")
    provision_tree(repo, version, log)
    return sandbox_prefix(repo, version)


def venv_bin(venv_dir: Path) -> Path:
    """The venv's python (``bin/python``, or ``Scripts/python.exe`` on Windows)."""
    return venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_version(venv_dir: Path) -> str | None:
    """The minor version a venv's ``pyvenv.cfg`` records, or None."""
    try:
        text = (venv_dir / "pyvenv.cfg").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r"^version(?:_info)?\s*=\s*(\d+\.\d+)", text, flags=re.MULTILINE)
    return match[1] if match else None


def venv_python(version: str, venv_dir: Path, repo: Path,
                log: Callable[[str], None] = print) -> list[str]:
    """The argv prefix of the venv's python, creating the venv with ``version`` if needed.

    A venv made by a sid Python is made, and run, through bwrap: its ``bin/python``
    links to ``/usr/bin/python3.X``, which exists only inside the tree.
    """
    version = supported_version(version)
    venv_dir = Path(os.path.abspath(venv_dir))
    base = ensure_python(version, repo, log=log)
    sandboxed = base[0] == "bwrap"
    venv_dir.parent.mkdir(parents=True, exist_ok=True)
    bin_path = f"{venv_bin(venv_dir).parent}:{SANDBOX_PATH}"  # as an activated venv
    run_base = sandbox_prefix(repo, version, [venv_dir], bin_path) if sandboxed else base
    python = [*run_base[:-1], str(venv_bin(venv_dir))] if sandboxed \
        else [str(venv_bin(venv_dir))]
    if venv_version(venv_dir) == version and reports(probe(python), version):
        return python
    log(f"creating {venv_dir} with Python {version}")
    if sandboxed:
        venv_dir.mkdir(exist_ok=True)  # bwrap binds it, so it must exist beforehand
    subprocess.run([*run_base, "-m", "venv", "--clear", str(venv_dir)], check=True)
    if not reports(probe(python), version):
        raise PythonUnavailable(f"the new venv {venv_dir} does not run Python {version}; "
                                "delete it and try again.")
    return python


# --- the command line ----------------------------------------------------------------


def describe(prefix: Sequence[str]) -> str:
    """A short description of a prefix: the interpreter, and 'via bwrap' for sid ones."""
    return f"{prefix[-1]} via bwrap (Debian sid tree)" if prefix[0] == "bwrap" \
        else " ".join(prefix)


def main(argv: Sequence[str] | None = None) -> int:
    """Print, for each version, what was found or made and how long it took."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="*", default=list(SUPPORTED),
                        help="minor versions such as 3.14 (default: all supported)")
    parser.add_argument("--provision", action="store_true",
                        help="make 3.14/3.15 from Debian sid if not installed (Linux, root)")
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="the repo whose .pythons/ holds the tree (default: this one)")
    args = parser.parse_args(argv)
    missing = 0
    for text in args.versions:
        version = supported_version(text)
        had_tree = version in SID_VERSIONS and tree_has(tree_dir(args.repo), version)
        start = time.perf_counter()
        try:
            prefix = ensure_python(version, args.repo, provision=args.provision,
                                   log=lambda line: print(f"  {line}", flush=True))
        except PythonUnavailable as error:
            missing += 1
            print(f"{version}  missing   {error}", flush=True)
            continue
        seconds = time.perf_counter() - start
        how = "found" if prefix[0] != "bwrap" else "reused" if had_tree else "made"
        print(f"{version}  {how:<8}  {probe(prefix)}  {describe(prefix)}"
              f"  in {seconds:.1f} s", flush=True)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
