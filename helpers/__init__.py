"""Helpers for the course "Python multiprocessing by example".

Every function that a notebook hands to ``Process``, ``Pool`` or an executor lives
here, in an importable module named after its notebook, so that child processes
started with *spawn* or *forkserver* can import it by name. Type
``helpers.full_example.do_job??`` in a notebook to read any function's source.

Each lesson's workers (short, to be read):
    cpus         -- 01: how many CPUs this process may use; a pool size
    processes    -- 02: the article's print_func, and workers that return their results
    queues       -- 03: producer and consumer workers with sentinels
    locks        -- 04: shared-counter workers, and writers of multi-line blocks
    full_example -- 05: the article's do_job and program, and the corrected versions
    pools        -- 06: the article's work_log, and small workers for the pool demos
    mandelbrot   -- 07, 09: the CPU-bound workload, one image row per task
    speedup      -- 07: the laws (Amdahl, Gustafson, Karp-Flatt) and load balancing
    costs        -- 08: the workers behind the cost measurements, and a cost model
    cluster      -- 09: the workers of the Dask demonstrations
    checks       -- the exercises' self-checks, one module per notebook (same names)

What the notebooks call but learners need not read: ``helpers.instruments`` (timing,
timelines, measurements, plots, widgets, the live view, argument checks).
"""

__version__ = "0.2.0"
