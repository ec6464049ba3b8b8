"""helpers.cluster (notebook 09's workers) and helpers.instruments.cluster (a real
command-line Dask cluster, and the task timings it records).

The cluster tests start real ``dask scheduler`` / ``dask worker`` processes on
127.0.0.1 and prove with psutil that none of them survives ``close()``.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import socket
from functools import partial
from pathlib import Path

import matplotlib
import psutil
import pytest

matplotlib.use("Agg")

from dask.distributed import Client, LocalCluster, get_task_stream  # noqa: E402

from helpers import cluster  # noqa: E402
from helpers.costs import count_primes  # noqa: E402
from helpers.instruments import cluster as machinery  # noqa: E402
from helpers.instruments.timeline import TaskRecord  # noqa: E402
from helpers.pools import square  # noqa: E402

pytestmark = pytest.mark.per_start_method

TIMEOUT = 60


# --- The demo workers -----------------------------------------------------------------


def test_die_once_returns_other_values(tmp_path):
    marker = str(tmp_path / "died")
    assert cluster.die_once(2, bad=3, marker=marker) == 2
    assert not Path(marker).exists()


def test_die_once_needs_a_marker():
    with pytest.raises(ValueError, match="marker must be a file path"):
        cluster.die_once(1)


def test_die_once_refuses_to_end_a_main_process(tmp_path):
    with pytest.raises(RuntimeError, match="die_once would end this process"):
        cluster.die_once(3, bad=3, marker=str(tmp_path / "died"))
    assert not (tmp_path / "died").exists()


def test_die_once_kills_its_process_only_the_first_time(tmp_path):
    marker = str(tmp_path / "died")
    first = multiprocessing.Process(target=cluster.die_once, args=(3,),
                                    kwargs={"bad": 3, "marker": marker})
    first.start()
    first.join(TIMEOUT)
    assert first.exitcode == 1 and Path(marker).exists()
    assert cluster.die_once(3, bad=3, marker=marker) == 3  # the second attempt survives


def test_map_chunk_and_chunked():
    assert cluster.map_chunk(square, [1, 2, 3]) == [1, 4, 9]
    assert cluster.chunked(range(7), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert cluster.chunked([], 3) == []
    for bad, error in ((0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError)):
        with pytest.raises(error, match="size must be a whole number"):
            cluster.chunked(range(3), bad)
    with pytest.raises(TypeError, match="func must be a function"):
        cluster.map_chunk(4, [1])
    with pytest.raises(TypeError, match="items must be a list"):
        cluster.chunked(7, 3)


def test_gather_map_wants_a_client():
    with pytest.raises(TypeError, match="client must be a dask Client"):
        cluster.gather_map(None, square, [1])


def test_helpers_version():
    import helpers

    assert cluster.helpers_version() == helpers.__version__


# --- A cluster started with the command-line tools ------------------------------------


def _family(cli: machinery.CliCluster) -> list[psutil.Process]:
    procs = cli.processes()
    assert {p.pid for p in procs} >= set(cli.pids)  # each command's process, and more
    return procs


def _assert_all_gone(procs: list[psutil.Process]) -> None:
    gone, alive = psutil.wait_procs(procs, timeout=5)
    assert not alive, f"still running: {[p.pid for p in alive]}"
    for proc in procs:
        assert not proc.is_running()


def test_cli_cluster_runs_tasks_and_leaves_no_process():
    with machinery.start_cli_cluster(n_workers=2, timeout=TIMEOUT) as cli:
        assert cli.address.startswith("tcp://127.0.0.1:")
        assert cli.commands[0].startswith("dask scheduler --host 127.0.0.1 --port ")
        assert all(c.startswith(f"dask worker {cli.address} ") for c in cli.commands[1:])
        assert len(cli.commands) == 3
        with Client(cli.address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=TIMEOUT)
            assert client.gather(client.map(square, range(5))) == [0, 1, 4, 9, 16]
            versions = client.run(cluster.helpers_version)
            assert len(versions) == 2 and set(versions.values()) == {cluster.helpers_version()}
            # scheduler + 2 nannies + the 2 worker processes that the nannies started
            procs = _family(cli)
            assert len(procs) >= 5
        assert "Scheduler" in cli.log(0)
        folder = cli.folder
    assert cli.closed
    _assert_all_gone(procs)
    assert cli.processes() == []
    assert not folder.exists()
    cli.close()  # closing twice is harmless


def test_cli_cluster_without_nanny_is_closed_by_garbage_collection():
    cli = machinery.start_cli_cluster(n_workers=1, nanny=False, timeout=TIMEOUT)
    assert "--no-nanny" in cli.commands[1]
    with Client(cli.address, timeout="30s") as client:
        client.wait_for_workers(1, timeout=TIMEOUT)
        assert client.submit(count_primes, 100).result(timeout=TIMEOUT) == 25
    procs = _family(cli)
    del cli
    gc.collect()
    _assert_all_gone(procs)


def test_cli_cluster_port_in_use_gives_a_clear_error_and_no_leftovers():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        before = {p.pid for p in psutil.Process().children(recursive=True)}
        with pytest.raises(RuntimeError, match="already in use.*port=0"):
            machinery.start_cli_cluster(n_workers=1, port=port, timeout=TIMEOUT)
    after = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
    _assert_all_gone(after)


def test_cli_cluster_start_timeout_stops_everything():
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with pytest.raises(TimeoutError, match="did not start within"):
        machinery.start_cli_cluster(n_workers=1, timeout=0.01)
    after = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
    _assert_all_gone(after)


@pytest.mark.parametrize("kwargs, words", [
    ({"n_workers": -1}, "n_workers"),
    ({"nthreads": 0}, "nthreads"),
    ({"port": 70000}, "port"),
    ({"port": "8786"}, "port"),
    ({"timeout": 0}, "timeout"),
])
def test_cli_cluster_rejects_bad_arguments(kwargs, words):
    error = TypeError if isinstance(next(iter(kwargs.values())), str) else ValueError
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with pytest.raises(error, match=f"{words} must be"):
        machinery.start_cli_cluster(**kwargs)
    assert {p.pid for p in psutil.Process().children(recursive=True)} <= before


def test_free_port_is_free():
    port = machinery.free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_leftover_processes_sees_a_child_and_not_after_join():
    proc = multiprocessing.Process(target=square, args=(2,))
    proc.start()
    proc.join(TIMEOUT)
    assert all(p.pid != proc.pid for p in machinery.leftover_processes())


# --- A LocalCluster: retries after a killed worker, and the task stream ---------------


def test_local_cluster_reruns_the_task_of_a_killed_worker(tmp_path):
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.CRITICAL) as local, \
            Client(local) as client:
        with get_task_stream(client) as stream:
            futures = client.map(cluster.die_once, range(6), marker=str(tmp_path / "died"))
            assert client.gather(futures) == list(range(6))
        assert (tmp_path / "died").exists()
        # Every task ran; some may have run twice: results that the killed worker held
        # in memory were lost with it, and were computed again elsewhere.
        records = machinery.task_records(stream.data)
        assert {r.task for r in records} == {f.key for f in futures}
        assert len(records) >= 6
        assert f"{len(records)} tasks on " in machinery.summarize_task_stream(stream.data)
        assert cluster.gather_map(client, partial(cluster.map_chunk, square),
                                  cluster.chunked(range(4), 2)) == [[0, 1], [4, 9]]


# --- Task timings ---------------------------------------------------------------------


def _entry(key, worker, start, stop, action="compute"):
    return {"key": key, "worker": worker,
            "startstops": ({"action": "transfer", "start": start - 1, "stop": start},
                           {"action": action, "start": start, "stop": stop})}


def test_task_records_keep_compute_spans_only_sorted_by_start():
    stream = [_entry("b-1", "tcp://w2", 5.0, 6.0), _entry("a-1", "tcp://w1", 1.0, 3.0),
              _entry("c-1", "tcp://w1", 2.0, 2.5, action="transfer")]
    records = machinery.task_records(stream)
    assert records == [TaskRecord("a-1", "tcp://w1", 1.0, 3.0, None),
                       TaskRecord("b-1", "tcp://w2", 5.0, 6.0, None)]
    assert machinery.summarize_task_stream(stream) == "2 tasks on 2 workers, compute time 3.00 s"
    assert machinery.summarize_task_stream(stream[1:2]).startswith("1 tasks on 1 worker,")


def test_task_records_refuse_what_get_task_stream_does_not_give():
    with pytest.raises(TypeError, match=r"task_stream\[0\] must be a dict"):
        machinery.task_records([3])
    with pytest.raises(ValueError, match=r"task_stream\[0\] is not a record of get_task_stream"):
        machinery.task_records([{"key": "a", "startstops": [{"action": "compute",
                                                              "start": 1.0}]}])
    with pytest.raises(TypeError, match="task_stream must be a list"):
        machinery.task_records(_entry("a-1", "tcp://w1", 1.0, 2.0))


def test_key_label():
    assert machinery.key_label("row-12") == "row-12"
    assert machinery.key_label("square-" + "0123456789abcdef" * 2) == "square"
    assert machinery.key_label(("blocks-" + "f" * 32, 3)) == "blocks"
    assert machinery.key_label("map_chunk-1b4e28ba-2fa1-11d2-883f-0016d3cca427") == "map_chunk"
    assert machinery.key_label("map_chunk-1b4e28ba-2fa1-11d2-883f-0016d3cca427-7") == "map_chunk"
    assert machinery.key_label(7) == "7"


def test_plot_task_stream():
    stream = [_entry("a-1", "tcp://w1", 1.0, 2.0), _entry("b-1", "tcp://w2", 1.5, 3.0)]
    ax = machinery.plot_task_stream(stream, title="demo")
    assert len(ax.patches) == 2 and ax.get_title(loc="left") == "demo"
    assert [t.get_text() for t in ax.texts] == ["a-1", "b-1"]
    many = [_entry(f"t-{i}", "tcp://w1", i, i + 0.5) for i in range(13)]
    ax = machinery.plot_task_stream(many)
    assert all(t.get_text() == "" for t in ax.texts)
    with pytest.raises(ValueError, match=r"task_stream holds no task that computed \(\[\]\)"):
        machinery.plot_task_stream([])
    with pytest.raises(ValueError, match="task_stream holds no task that computed"):
        machinery.plot_task_stream([_entry("c-1", "tcp://w1", 2.0, 2.5, action="transfer")])
    matplotlib.pyplot.close("all")
