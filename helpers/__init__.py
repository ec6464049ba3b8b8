"""Helpers for the course "Python multiprocessing by example".

Every function that a notebook hands to ``Process``, ``Pool`` or an executor lives
here, in an importable module, so that child processes started with *spawn* or
*forkserver* can import it by name. Type ``helpers.workers.do_job??`` in a notebook
to read any function's source.

Modules:
    cpus      -- how many CPUs this process may use
    workers   -- the article's worker functions, and corrected versions
    queues    -- producer/consumer workers for the Queue notebook
    locks     -- shared-counter workers for the Lock notebook
    races     -- run the article's full example many times and count lost tasks
    timeline  -- record which worker ran which task, and when; plot it
    checks    -- friendly self-checks for the exercises
"""

__version__ = "0.1.0"
