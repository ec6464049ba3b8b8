"""tools/pythons.py: the pure logic, with fakes (no network, no debootstrap, no bwrap)."""

import functools
from pathlib import Path

import pytest

from tools import pythons

PROBED = {"/usr/bin/python3.14": "3.14.10", "/usr/bin/python3.15": "3.15.2"}
"""What the fake probe reports for the tree's interpreters."""


def fake_probe(argv):
    """The version a fake interpreter reports: by its last argument."""
    return PROBED.get(argv[-1])


def make_tree(tree: Path, versions=pythons.SID_VERSIONS) -> Path:
    """A fake finished sid tree: the interpreters' files and dpkg's status."""
    (tree / "usr/bin").mkdir(parents=True)
    (tree / "var/lib/dpkg").mkdir(parents=True)
    stanzas = []
    for version in versions:
        (tree / f"usr/bin/python{version}").write_text("")
        for package in (f"python{version}", f"python{version}-venv"):
            stanzas.append(f"Package: {package}\nStatus: install ok installed\nVersion: 1\n")
    (tree / "var/lib/dpkg/status").write_text("\n".join(stanzas))
    return tree


# --- versions ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["3.14", "3.14.10", "py3.14", "python3.14", " 3.14 "])
def test_parse_version_accepts_the_usual_spellings(text):
    assert pythons.parse_version(text) == "3.14"


@pytest.mark.parametrize("text", ["3", "314", "2.7", "3.x", "python", "3.14t", ""])
def test_parse_version_rejects_anything_else(text):
    with pytest.raises(ValueError, match="not a Python version"):
        pythons.parse_version(text)


def test_supported_version_names_the_range():
    assert pythons.supported_version("3.15.2") == "3.15"
    with pytest.raises(ValueError, match=r"3\.10 is not supported.*3\.11, 3\.12, .*3\.15"):
        pythons.supported_version("3.10")


def test_pyenv_versions_newest_patch_first_finals_after_prereleases():
    names = ["3.13.0", "3.13.10", "3.13.2", "3.13.1rc1", "3.13.1", "3.13.0t", "3.13-dev",
             "3.12.9", "3.130.1", "system", "3.13.1a2"]
    assert pythons.order_pyenv_versions(names, "3.13") == [
        "3.13.10", "3.13.2", "3.13.1", "3.13.1rc1", "3.13.1a2", "3.13.0"]


# --- finding -------------------------------------------------------------------------


def fake_pyenv(root: Path, names: list[str], minor: str, with_binary=True) -> Path:
    for name in names:
        bin_dir = root / "versions" / name / "bin"
        bin_dir.mkdir(parents=True)
        if with_binary:
            (bin_dir / f"python{minor}").write_text("")
    return root


def test_pyenv_candidates_exist_newest_first(tmp_path):
    root = fake_pyenv(tmp_path, ["3.12.1", "3.12.10", "3.13.0"], "3.12")
    (root / "versions" / "3.12.11" / "bin").mkdir(parents=True)  # no python3.12 inside
    assert pythons.pyenv_candidates("3.12", root) == [
        [str(root / "versions/3.12.10/bin/python3.12")],
        [str(root / "versions/3.12.1/bin/python3.12")]]
    assert pythons.pyenv_candidates("3.12", tmp_path / "absent") == []


def test_pyenv_root_from_env_or_home(tmp_path):
    assert pythons.pyenv_root({"PYENV_ROOT": "/opt/pyenv", "HOME": "/h"}) == Path("/opt/pyenv")
    assert pythons.pyenv_root({"HOME": "/h"}) == Path("/h/.pyenv")


def test_candidates_path_first_then_pyenv_without_duplicates(tmp_path):
    root = fake_pyenv(tmp_path / "pyenv", ["3.13.0", "3.13.1"], "3.13")
    newest = str(root / "versions/3.13.1/bin/python3.13")
    env = {"PATH": "/fake/bin", "PYENV_ROOT": str(root)}
    shim = "/fake/bin/python3.13"
    found = pythons.candidates("3.13", env, which=lambda name, path: shim)
    assert found[0] == [shim]
    assert found[1:] == [[newest], [str(root / "versions/3.13.0/bin/python3.13")]]
    same = pythons.candidates("3.13", env, which=lambda name, path: newest)
    assert same.count([newest]) == 1


def test_find_python_skips_a_candidate_reporting_another_version(tmp_path, monkeypatch):
    monkeypatch.setattr(pythons, "candidates",
                        lambda version, env=None: [["shim"], ["old"], ["good"]])
    reported = {"shim": None, "old": "3.12.9", "good": "3.13.2"}
    assert pythons.find_python("3.13", probe=lambda argv: reported[argv[0]]) == ["good"]
    assert pythons.find_python("3.13", probe=lambda argv: None) is None


def test_find_python_on_an_empty_machine_finds_nothing(tmp_path):
    env = {"PATH": str(tmp_path), "PYENV_ROOT": str(tmp_path / "none")}
    assert pythons.find_python("3.15", env=env, probe=fake_probe) is None


def test_reports_compares_minor_versions():
    assert pythons.reports("3.14.10", "3.14")
    assert not pythons.reports("3.1.4", "3.14")
    assert not pythons.reports(None, "3.14")


# --- why not -------------------------------------------------------------------------

HINT = "install it from python.org or your package manager (or `pyenv install 3.15`)"


def test_blocker_on_macos_and_windows_is_one_sentence():
    for platform in ("darwin", "win32"):
        reason = pythons.provision_blocker("3.15", platform=platform, euid=0,
                                           which=lambda name: "/usr/bin/x")
        assert reason == f"Python 3.15 not found on PATH or under pyenv; {HINT}."


def test_blocker_without_root_or_apt_get():
    no_root = pythons.provision_blocker("3.15", "linux", 1000, lambda name: "/usr/bin/x")
    assert "needs root" in no_root and HINT in no_root
    no_apt = pythons.provision_blocker("3.15", "linux", 0, lambda name: None)
    assert "needs apt-get" in no_apt and HINT in no_apt
    for reason in (no_root, no_apt):
        assert reason.count(". ") == 0 and reason.endswith(".")


def test_blocker_only_3_14_and_3_15_are_provisioned():
    reason = pythons.provision_blocker("3.12", "linux", 0, lambda name: "/usr/bin/x")
    assert reason.startswith("Python 3.12 not found on PATH or under pyenv; install it")
    assert pythons.provision_blocker("3.14", "linux", 0, lambda name: "/usr/bin/x") is None


@pytest.fixture
def nothing_installed(monkeypatch):
    monkeypatch.setattr(pythons, "find_python", lambda version: None)
    monkeypatch.setattr(pythons, "have_bwrap", lambda: True)
    monkeypatch.setattr(pythons, "provision_tree", lambda *a, **k: pytest.fail("provisioned"))


def test_ensure_python_on_macos_raises_the_blocker(nothing_installed, monkeypatch, tmp_path):
    monkeypatch.setattr(pythons, "provision_blocker",
                        functools.partial(pythons.provision_blocker, platform="darwin"))
    with pytest.raises(pythons.PythonUnavailable, match="python.org or your package manager"):
        pythons.ensure_python("3.15", tmp_path)


def test_ensure_python_without_provision_says_how(nothing_installed, monkeypatch, tmp_path):
    monkeypatch.setattr(pythons, "provision_blocker", lambda version: None)
    with pytest.raises(pythons.PythonUnavailable,
                       match=r"run `python3 tools/pythons\.py --provision 3\.14`"):
        pythons.ensure_python("3.14", tmp_path, provision=False)


def test_ensure_python_reuses_a_finished_tree(nothing_installed, tmp_path):
    make_tree(tmp_path / ".pythons/sid")
    prefix = pythons.ensure_python("3.15", tmp_path, provision=False)
    assert prefix[0] == "bwrap" and prefix[-2:] == ["--", "/usr/bin/python3.15"]
    assert prefix[1:4] == ["--bind", str((tmp_path / ".pythons/sid").resolve()), "/"]


def test_ensure_python_without_bwrap_does_not_reuse_the_tree(nothing_installed, monkeypatch,
                                                            tmp_path):
    make_tree(tmp_path / ".pythons/sid")
    monkeypatch.setattr(pythons, "have_bwrap", lambda: False)
    monkeypatch.setattr(pythons, "provision_blocker", lambda version: "no root.")
    with pytest.raises(pythons.PythonUnavailable, match="no root"):
        pythons.ensure_python("3.15", tmp_path)


def test_ensure_python_prefers_an_installed_python(monkeypatch, tmp_path):
    monkeypatch.setattr(pythons, "find_python", lambda version: ["/usr/bin/python3.15"])
    make_tree(tmp_path / ".pythons/sid")
    assert pythons.ensure_python("3.15", tmp_path) == ["/usr/bin/python3.15"]


# --- the tree ------------------------------------------------------------------------


def test_installed_packages_reads_dpkg_status():
    status = ("Package: a\nStatus: install ok installed\n\n"
              "Package: b\nStatus: deinstall ok config-files\n\n"
              "Package: c\nVersion: 1\nStatus: install ok installed\nDescription: x\n")
    assert pythons.installed_packages(status) == {"a", "c"}


def test_tree_has_needs_the_interpreter_and_its_venv_package(tmp_path):
    tree = make_tree(tmp_path / "sid", versions=["3.14"])
    assert pythons.tree_has(tree, "3.14")
    assert not pythons.tree_has(tree, "3.15")
    (tree / "usr/bin/python3.14").unlink()
    assert not pythons.tree_has(tree, "3.14")
    assert not pythons.tree_has(tmp_path / "absent", "3.14")


def test_debootstrap_uses_its_default_mirror(tmp_path):
    argv = pythons.debootstrap_argv(tmp_path)
    assert argv == ["debootstrap", "--variant=minbase",
                    "--include=python3.14,python3.14-venv,python3.15,python3.15-venv",
                    "sid", str(tmp_path)]


def test_mounts_under_deepest_first_and_exact_prefix():
    mountinfo = "\n".join(
        f"{n} 1 0:1 / {point} rw - tmpfs tmpfs rw" for n, point in enumerate([
            "/", "/r/.pythons/sid.tmp-1", "/r/.pythons/sid.tmp-1/proc",
            "/r/.pythons/sid.tmp-1/dev/pts", "/r/.pythons/sid.tmp-10/proc"]))
    assert pythons.mounts_under(Path("/r/.pythons/sid.tmp-1"), mountinfo) == [
        "/r/.pythons/sid.tmp-1/dev/pts", "/r/.pythons/sid.tmp-1/proc",
        "/r/.pythons/sid.tmp-1"]


def test_remove_tree_never_deletes_through_a_mount(monkeypatch, tmp_path):
    tree = make_tree(tmp_path / "sid.tmp-1")
    monkeypatch.setattr(pythons, "mounts_under", lambda path: [str(path / "dev")])
    monkeypatch.setattr(pythons.subprocess, "run", lambda *a, **k: None)
    with pytest.raises(pythons.PythonUnavailable, match="still has mounts"):
        pythons.remove_tree(tree)
    assert tree.exists()


def test_remove_tree_removes_only_a_link(tmp_path):
    shared = make_tree(tmp_path / "shared")
    link = tmp_path / "sid"
    link.symlink_to(shared)
    pythons.remove_tree(link)
    assert not link.is_symlink() and pythons.tree_has(shared, "3.15")


def test_failed_debootstrap_names_its_log(monkeypatch, tmp_path):
    class Done:
        returncode = 1

    def run(argv, stdout, **kwargs):
        stdout.write("I: Retrieving InRelease\nE: Failed getting release file\n")
        return Done()

    monkeypatch.setattr(pythons.subprocess, "run", run)
    log = tmp_path / "sid.log"
    with pytest.raises(pythons.PythonUnavailable) as failure:
        pythons.run_debootstrap(tmp_path / "sid.tmp-1", log)
    assert f"(exit 1: E: Failed getting release file; full log in {log})" in str(failure.value)


@pytest.fixture
def fake_build(monkeypatch):
    """provision_tree with a fake debootstrap: the tree appears in its target."""
    monkeypatch.setattr(pythons, "install_host_tools", lambda log: None)
    monkeypatch.setattr(pythons, "probe", fake_probe)
    monkeypatch.setattr(pythons, "read_only_binds", lambda: [])
    monkeypatch.setattr(pythons, "mounts_under", lambda path: [])
    builds = []

    def debootstrap(target, log_file):
        builds.append(target)
        make_tree(target)

    monkeypatch.setattr(pythons, "run_debootstrap", debootstrap)
    return builds


def test_provision_builds_beside_then_renames(fake_build, tmp_path):
    stale = tmp_path / ".pythons" / "sid.tmp-stale"
    (stale / "usr").mkdir(parents=True)
    tree = pythons.provision_tree(tmp_path, "3.14", log=lambda line: None)
    assert tree == (tmp_path / ".pythons/sid").resolve()
    assert pythons.tree_has(tree, "3.14") and pythons.tree_has(tree, "3.15")
    assert fake_build[0].parent == tree.parent and fake_build[0].name.startswith("sid.tmp-")
    assert not list(tree.parent.glob("sid.tmp-*")) and not list(tree.parent.glob("sid.old-*"))
    pythons.provision_tree(tmp_path, "3.15", log=lambda line: None)
    assert len(fake_build) == 1  # the finished tree is reused


def test_provision_replaces_a_tree_missing_a_version(fake_build, tmp_path):
    make_tree(tmp_path / ".pythons/sid", versions=["3.14"])
    tree = pythons.provision_tree(tmp_path, "3.15", log=lambda line: None)
    assert len(fake_build) == 1 and pythons.tree_has(tree, "3.15")


def test_a_failed_build_leaves_no_tree(fake_build, monkeypatch, tmp_path):
    def failing(target, log_file):
        (target / "usr").mkdir()
        raise pythons.PythonUnavailable("debootstrap of Debian sid failed")

    monkeypatch.setattr(pythons, "run_debootstrap", failing)
    with pytest.raises(pythons.PythonUnavailable):
        pythons.provision_tree(tmp_path, "3.14", log=lambda line: None)
    assert [p.name for p in (tmp_path / ".pythons").iterdir()] == ["sid.lock"]


def test_a_tree_whose_python_does_not_run_is_not_kept(fake_build, monkeypatch, tmp_path):
    monkeypatch.setattr(pythons, "probe", lambda argv: None)
    with pytest.raises(pythons.PythonUnavailable, match="does not run through bwrap"):
        pythons.provision_tree(tmp_path, "3.14", log=lambda line: None)
    assert not (tmp_path / ".pythons/sid").exists()


# --- pip's configuration and bwrap ---------------------------------------------------


@pytest.mark.parametrize(("value", "path"), [
    ("file:///opt/pypi/simple", "/opt/pypi"),
    ("file:///opt/pypi-more/simple/", "/opt/pypi-more"),
    ("file:///opt/wheels", "/opt/wheels"),
    ("file:///opt/my%20wheels", "/opt/my wheels"),
    ("/opt/wheels", "/opt/wheels"),
    ("https://example.invalid/simple", None),
    ("wheels", None),
    ("180", None),
])
def test_local_path(value, path):
    assert pythons.local_path(value) == (None if path is None else Path(path))


def test_pip_option_values_reads_every_path_option():
    text = ("[global]\nfind-links = /opt/wheels\ntimeout = 60\n"
            "extra-index-url = file:///opt/pypi/simple\n    file:///opt/pypi-more/simple\n"
            "[install]\nconstraint = /etc/xdg/pip/constraints.txt\ncert=/c.crt\n")
    assert pythons.pip_option_values(text) == [
        "/opt/wheels", "file:///opt/pypi/simple", "file:///opt/pypi-more/simple",
        "/c.crt", "/etc/xdg/pip/constraints.txt"]
    assert pythons.pip_option_values("not = an ini [") == []


def test_pip_paths_include_config_folders_and_what_they_name(tmp_path):
    xdg = tmp_path / "xdg" / "pip"
    xdg.mkdir(parents=True)
    (xdg / "pip.conf").write_text("[global]\nconstraint = /x/constraints.txt\n")
    user = tmp_path / "home" / ".config" / "pip"
    user.mkdir(parents=True)
    (user / "pip.conf").write_text("[global]\nfind-links = /opt/wheels\n")
    env = {"HOME": str(tmp_path / "home"), "XDG_CONFIG_DIRS": str(tmp_path / "xdg"),
           "PIP_FIND_LINKS": "/opt/more-wheels", "PIP_DEFAULT_TIMEOUT": "180"}
    paths = pythons.pip_paths(env)
    for wanted in (xdg, user, Path("/x/constraints.txt"), Path("/opt/wheels"),
                   Path("/opt/more-wheels")):
        assert wanted in paths
    assert Path("180") not in paths


def test_outermost_drops_duplicates_and_nested_paths():
    paths = [Path("/etc/xdg/pip/constraints.txt"), Path("/opt/wheels"), Path("/etc/xdg/pip"),
             Path("/opt/wheels/"), Path("/opt/wheels2")]
    assert pythons.outermost(paths) == [Path("/opt/wheels"), Path("/etc/xdg/pip"),
                                        Path("/opt/wheels2")]


def test_read_only_binds_only_what_exists():
    env = {"HOME": "/nonexistent-home", "XDG_CONFIG_DIRS": "/nonexistent-xdg",
           "PIP_FIND_LINKS": "/opt/wheels"}
    binds = pythons.read_only_binds(env, exists=lambda path: path.name != "hosts")
    assert Path("/etc/hosts") not in binds
    assert Path("/sys") in binds and Path("/opt/wheels") in binds
    assert pythons.read_only_binds(env, exists=lambda path: False) == []


def test_bwrap_argv_layout():
    argv = pythons.bwrap_argv(Path("/r/.pythons/sid"), [Path("/r"), Path("/r/.venv-py3.15")],
                              read_only=[Path("/etc/pip.conf"), Path("/opt/wheels")],
                              path="/v/bin:/usr/bin")
    assert argv[:12] == ["bwrap", "--bind", "/r/.pythons/sid", "/", "--proc", "/proc",
                         "--dev", "/dev", "--tmpfs", "/dev/shm", "--bind", "/tmp"]
    assert argv[12:] == ["/tmp",
                         "--ro-bind", "/etc/pip.conf", "/etc/pip.conf",
                         "--ro-bind", "/opt/wheels", "/opt/wheels",
                         "--bind", "/r", "/r",  # the venv inside the repo is not bound twice
                         "--die-with-parent", "--setenv", "PATH", "/v/bin:/usr/bin", "--"]
    assert not any(arg.startswith("--unshare") or arg == "--clearenv" for arg in argv)
    assert "--chdir" not in argv  # the caller's working directory is kept


def test_sandbox_prefix_binds_a_venv_outside_the_repo(monkeypatch, tmp_path):
    monkeypatch.setattr(pythons, "read_only_binds", lambda: [])
    prefix = pythons.sandbox_prefix(tmp_path, "3.14", [Path("/elsewhere/venv")])
    repo = str(tmp_path.resolve())
    assert prefix[-2:] == ["--", "/usr/bin/python3.14"]
    assert ["--bind", repo, repo] == prefix[prefix.index(repo) - 1:prefix.index(repo) + 2]
    assert "/elsewhere/venv" in prefix


# --- venvs and the command line ------------------------------------------------------


def test_venv_version_from_pyvenv_cfg(tmp_path):
    assert pythons.venv_version(tmp_path) is None
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\nversion_info = 3.15.2.final.0\n")
    assert pythons.venv_version(tmp_path) == "3.15"
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.12.1\n")
    assert pythons.venv_version(tmp_path) == "3.12"


def test_venv_python_reuses_a_good_venv(monkeypatch, tmp_path):
    venv = tmp_path / ".venv-py3.13"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("version = 3.13.0\n")
    monkeypatch.setattr(pythons, "ensure_python", lambda *a, **k: ["/usr/bin/python3.13"])
    monkeypatch.setattr(pythons, "probe", lambda argv: "3.13.0")
    monkeypatch.setattr(pythons.subprocess, "run", lambda *a, **k: pytest.fail("recreated"))
    assert pythons.venv_python("3.13", venv, tmp_path) == [str(pythons.venv_bin(venv))]


def test_venv_python_makes_a_sid_venv_inside_bwrap(monkeypatch, tmp_path):
    make_tree(tmp_path / ".pythons/sid")
    monkeypatch.setattr(pythons, "find_python", lambda version: None)
    monkeypatch.setattr(pythons, "have_bwrap", lambda: True)
    monkeypatch.setattr(pythons, "read_only_binds", lambda: [])
    venv = tmp_path / ".venv-py3.15"
    made = []

    def run(argv, check):
        made.append(argv)
        venv.mkdir(exist_ok=True)
        (venv / "pyvenv.cfg").write_text("version_info = 3.15.2.final.0\n")

    monkeypatch.setattr(pythons.subprocess, "run", run)
    monkeypatch.setattr(pythons, "probe", lambda argv: "3.15.2" if made else None)
    python = pythons.venv_python("3.15", venv, tmp_path, log=lambda line: None)
    assert made[0][0] == "bwrap"
    assert made[0][-6:] == ["--", "/usr/bin/python3.15", "-m", "venv", "--clear", str(venv)]
    assert python[0] == "bwrap" and python[-2:] == ["--", str(venv / "bin/python")]
    assert f"{venv}/bin:{pythons.SANDBOX_PATH}" in python


def test_cli_reports_each_version(monkeypatch, capsys, tmp_path):
    def ensure(version, repo, provision, log):
        if version == "3.15":
            raise pythons.PythonUnavailable("Python 3.15 not found on PATH or under pyenv")
        return ["/usr/bin/python3.12"]

    monkeypatch.setattr(pythons, "ensure_python", ensure)
    monkeypatch.setattr(pythons, "probe", lambda argv: "3.12.1")
    assert pythons.main(["--repo", str(tmp_path), "3.12", "3.15"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("3.12  found     3.12.1  /usr/bin/python3.12  in ")
    assert lines[1] == "3.15  missing   Python 3.15 not found on PATH or under pyenv"
