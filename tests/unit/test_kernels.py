"""tools/kernels.py: the kernel specs whose default start method is chosen (the one home of
that recipe, used by the nbval plugin, tools/refresh.py and the grading tests)."""

import json
import multiprocessing
import os
import subprocess
import sys

import pytest

from tools import kernels

METHODS = multiprocessing.get_all_start_methods()


def test_kernel_names():
    assert kernels.kernel_name("spawn") == "mp-course-spawn"
    assert kernels.ROOT / "notebooks" == kernels.NOTEBOOKS
    assert (kernels.ROOT / "pyproject.toml").is_file()


@pytest.mark.parametrize("method", METHODS)
def test_the_exec_line_sets_the_method_and_adds_no_name(method):
    line = kernels.set_start_method_line(method)
    script = (f"import multiprocessing\nns = {{}}\nexec({line!r}, ns)\n"
              "print(multiprocessing.get_start_method(), sorted(ns) == ['__builtins__'])")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [method, "True"]


def test_kernel_argv():
    argv = kernels.kernel_argv("forkserver", python="/some/python")
    assert argv[:4] == ["/some/python", "-m", "ipykernel_launcher", "-f"]
    assert argv[4] == "{connection_file}"
    assert argv[5] == ("--IPKernelApp.exec_lines=" + kernels.set_start_method_line("forkserver"))


def test_kernelspecs_set_the_start_method(tmp_path):
    names = kernels.install_kernelspecs(tmp_path)
    assert names == [kernels.kernel_name(m) for m in METHODS]
    for method in METHODS:
        spec = json.loads((tmp_path / "kernels" / kernels.kernel_name(method) /
                           "kernel.json").read_text())
        assert spec["argv"][0] == sys.executable
        assert f"set_start_method({method!r}, force=True)" in spec["argv"][-1]
        assert spec["language"] == "python" and method in spec["display_name"]


def test_kernelspecs_installs_for_another_python(tmp_path):
    kernels.install_kernelspecs(tmp_path, python="/opt/python3.14")
    spec = json.loads((tmp_path / "kernels" / kernels.kernel_name(METHODS[0]) /
                       "kernel.json").read_text())
    assert spec["argv"][0] == "/opt/python3.14"


def test_kernelspecs_context_puts_them_first_on_jupyter_path_then_restores(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", "/somewhere/else")
    with kernels.kernelspecs() as names:
        folder, rest = os.environ["JUPYTER_PATH"].split(os.pathsep)
        assert rest == "/somewhere/else"
        assert names == [kernels.kernel_name(m) for m in METHODS]
        assert all((os.path.isfile(os.path.join(folder, "kernels", n, "kernel.json")))
                   for n in names)
    assert os.environ["JUPYTER_PATH"] == "/somewhere/else"
    assert not os.path.exists(folder)


def test_kernelspecs_context_removes_a_jupyter_path_it_added(monkeypatch):
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    with kernels.kernelspecs():
        assert os.environ["JUPYTER_PATH"]
    assert "JUPYTER_PATH" not in os.environ
