"""Collect the grading tests only where nbgrader is installed: the instructor environment.

The learners' environment (.venv) has no nbgrader, so there ``pytest tests notebooks
--nbval`` leaves this folder out, and ``python3 course.py test`` runs it afterwards with
``.venv-instructor``. The notebooks here are grading fixtures, never nbval tests.
"""

import importlib.util

collect_ignore_glob = ["*.ipynb"]
if importlib.util.find_spec("nbgrader") is None:
    collect_ignore_glob.append("test_*.py")
