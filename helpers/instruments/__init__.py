"""The course's instruments: what the notebooks call, and learners need not read.

``helpers`` itself holds each lesson's workers, short enough to read with ``??``.
Everything here measures, draws, checks arguments or runs machinery around them:

    validate     -- the one vocabulary for checking arguments (and the limits it enforces)
    timing       -- Stopwatch and time_call: the one way the course times things
    timeline     -- record which worker ran which task, and when; draw it
    pools        -- warm pools, start cost, the check that a function can reach a child,
                    stopping pools and leftover processes
    measure      -- speedup measurements: workloads, interleaved repeats, medians
    interpreters -- Python 3.14's interpreter pools: a warm pool, their start cost (07, 08)
    results      -- save and load measurements as CSV; the shipped reference runs
    plots        -- the course's charts
    widgets      -- the Amdahl/Gustafson explorer, the run control, the progress bar
    live         -- a live view of the cores and the tasks while a pool runs
    child_output -- children's stderr in a file, traceback summaries, OS status (02)
    races        -- the article's program run many times, its lost tasks counted (03, 05)
    counting     -- the shared-counter designs timed side by side (04)
    transfer     -- what sending data and handing out tasks cost (08)
    cluster      -- a Dask scheduler and workers started from the command line (09)
    workspace    -- the learner's own copies of the notebooks, and their progress

Modules import only the standard library at the top, apart from those that draw or
talk to psutil, so that a child process importing a worker starts quickly.
"""
