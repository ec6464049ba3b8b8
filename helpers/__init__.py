"""Helpers for the course "Python multiprocessing by example".

Every function that a notebook hands to ``Process``, ``Pool`` or an executor lives
here, in an importable module, so that child processes started with *spawn* or
*forkserver* can import it by name. Type ``helpers.workers.do_job??`` in a notebook
to read any function's source.

Modules:
    cpus      -- how many CPUs this process may use (notebook 01)
    workers   -- the article's worker functions, corrected versions, small demo workers
    processes -- child stderr capture, OS status of a child (notebook 02)
    queues    -- producer/consumer workers (notebook 03)
    locks     -- shared-counter workers and their timing (notebook 04)
    races     -- the article's full example run many times, its lost tasks counted (05)
    timeline  -- record which worker ran which task, and when; plot it (06)
    progress  -- an ipywidgets progress bar over imap_unordered (06)
    mandelbrot -- the CPU-bound workload (07-09)
    speedup   -- measure, fit (Amdahl, Karp-Flatt), plot and save speedups (07)
    explorer  -- the interactive Amdahl/Gustafson explorer and run control (07)
    costs     -- start cost, transfer cost, chunksize, shared memory (08)
    cluster   -- a Dask scheduler and workers started from the command line (09)
    checks    -- friendly self-checks for the exercises, one module per notebook
"""

__version__ = "0.2.0"
