"""A kernel interrupt (the ■ button) during a Pool helper leaves no worker behind.

A real ipykernel, started with jupyter_client as JupyterLab starts it (its default start
method set by ``tools.kernels``), runs a cell that calls a helper on a long workload.
With the imports done, about a second into the call the test interrupts the kernel, waits
for it to be idle again, and checks that the cell ended with ``KeyboardInterrupt`` and
that the kernel has no child process left (the resource tracker and the forkserver
excepted). If it never becomes idle, the failure shows every thread's stack.
"""

from __future__ import annotations

import contextlib
import queue
import signal
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers.instruments.pools import describe_processes, wait_for_no_leftovers

pytestmark = pytest.mark.per_start_method

jupyter_client = pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

START_TIMEOUT = 120.0
REPLY_TIMEOUT = 120.0


class Kernel:
    """A started kernel and a blocking client, with just what these tests need."""

    def __init__(self, manager: Any, client: Any, stacks: Path) -> None:
        self.manager, self.client, self.stacks = manager, client, stacks

    @property
    def pid(self) -> int:
        return self.manager.provisioner.process.pid

    def run(self, code: str, interrupt_after: float | None = None) -> dict[str, Any]:
        """Run ``code``; interrupt the kernel after ``interrupt_after`` seconds of running.
        Returns ``{"status", "ename", "output"}`` once the kernel is idle again."""
        # stop_on_error=False: an interrupt must not make the kernel abort the next request.
        msg_id = self.client.execute(textwrap.dedent(code), stop_on_error=False)
        started = None
        interrupted = False
        result: dict[str, Any] = {"status": None, "ename": None, "output": ""}
        deadline = time.monotonic() + REPLY_TIMEOUT
        while time.monotonic() < deadline:
            if interrupt_after is not None and started is not None and not interrupted \
                    and time.monotonic() - started > interrupt_after:
                self.manager.interrupt_kernel()
                interrupted = True
            try:
                msg = self.client.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content["execution_state"] == "busy":
                started = time.monotonic()
            elif kind == "stream":
                result["output"] += content["text"]
            elif kind == "error":
                result["ename"] = content["ename"]
            elif kind == "status" and content["execution_state"] == "idle":
                while True:  # the reply to this request (not to an earlier one)
                    reply = self.client.get_shell_msg(timeout=REPLY_TIMEOUT)
                    if reply["parent_header"].get("msg_id") == msg_id:
                        result["status"] = reply["content"]["status"]
                        return result
        raise TimeoutError(f"the kernel did not become idle within {REPLY_TIMEOUT:g} s; "
                           f"what it and its children were doing:\n{self.dump_stacks()}")

    def dump_stacks(self) -> str:
        """The Python stacks of every thread of the kernel and of its children (faulthandler,
        registered on SIGUSR1 when the kernel started; children inherit it under fork)."""
        import psutil

        kernel = psutil.Process(self.pid)
        for proc in [kernel, *kernel.children(recursive=True)]:  # one at a time: one file
            with contextlib.suppress(psutil.Error, OSError):
                proc.send_signal(signal.SIGUSR1)
            time.sleep(0.5)
        processes = describe_processes(kernel.children(recursive=True))
        return f"{processes}\n{self.stacks.read_text(errors='replace')[-20000:]}"


@pytest.fixture(scope="module")
def kernel(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Kernel]:
    from tests.plugin import start_kernel
    from tools.kernels import kernel_name, kernelspecs

    method = request.config.start_method
    with kernelspecs():
        manager, client = start_kernel(kernel_name(method), str(request.config.rootpath),
                                       START_TIMEOUT)
    try:
        stacks = tmp_path_factory.mktemp("kernel") / "stacks.txt"
        kernel = Kernel(manager, client, stacks)
        setup = kernel.run(f"""
            import faulthandler, multiprocessing, signal
            faulthandler.register(signal.SIGUSR1, file=open({str(stacks)!r}, "a"),
                                  all_threads=True)
            print(multiprocessing.get_start_method())
            # One child started and joined: under forkserver this starts the server, so
            # that no test's interrupt lands while the first pool waits for it.
            warm = multiprocessing.Process(target=int)
            warm.start()
            warm.join()
            """)
        assert setup["output"].strip() == method
        yield kernel
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _interrupted_and_clean(kernel: Kernel, imports: str, call: str, after: float = 1.5) -> None:
    """Run ``imports`` to the end, then ``call``, and interrupt ``call`` ``after`` seconds in.

    The imports run first, uninterrupted: under load they can take longer than ``after``,
    and these tests are about stopping a helper's pool, not a half-done import.
    """
    ready = kernel.run(imports)
    assert ready["status"] == "ok", ready
    result = kernel.run(call, interrupt_after=after)
    assert result["status"] == "error" and result["ename"] == "KeyboardInterrupt", result
    left = wait_for_no_leftovers(kernel.pid, timeout=15)
    assert not left, "the interrupted helper left:\n" + describe_processes(left)
    # The kernel still works, and a helper can start pools again.
    again = kernel.run("from helpers.pools import square\nprint(square(3))")
    assert again["status"] == "ok" and again["output"].strip() == "9"


def test_interrupting_measure(kernel):
    _interrupted_and_clean(kernel, """
        from helpers.instruments.measure import measure, sleep_workload
        """, """
        measure(sleep_workload(400, 0.05), [2], kinds=("processes",), repeats=3)
        """)


def test_interrupting_imap_unordered_with_progress(kernel):
    # The course's own pool: its workers leave the interrupt to the parent. A plain
    # Pool's workers get it too, and CPython's Pool can then hang in terminate() (a worker
    # dies holding a queue's lock); README, troubleshooting.
    _interrupted_and_clean(kernel, """
        from ipywidgets import IntProgress
        from helpers.instruments.pools import warm_pool
        from helpers.instruments.widgets import imap_unordered_with_progress
        from helpers.pools import slow_square
        """, """
        with warm_pool("processes", 2) as pool:
            imap_unordered_with_progress(pool, slow_square, range(400), bar=IntProgress())
        """)


def test_interrupting_time_chunksizes(kernel):
    _interrupted_and_clean(kernel, """
        from helpers.instruments.transfer import time_chunksizes
        from helpers.pools import slow_square
        """, """
        time_chunksizes(slow_square, range(400), [1, 2], repeats=3)
        """)


def test_interrupting_sentinel_main(kernel):
    _interrupted_and_clean(kernel, """
        from helpers.full_example import sentinel_main
        """, """
        sentinel_main(None, 200, 2, pause=0.05)
        """)


def test_interrupting_article_main(kernel):
    _interrupted_and_clean(kernel, """
        from helpers.full_example import article_main
        """, """
        article_main(None, 200, 2, pause=0.05)
        """)


def test_interrupting_count_losses_in_fresh_process(kernel):
    _interrupted_and_clean(kernel, """
        from helpers.full_example import article_main
        from helpers.instruments.races import count_losses_in_fresh_process
        """, """
        count_losses_in_fresh_process(article_main, 1000, "spawn", timeout=300)
        """, after=2.0)
