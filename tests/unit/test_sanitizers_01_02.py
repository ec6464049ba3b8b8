"""Worked examples for the tests/sanitize.cfg patterns of notebooks 01 and 02.

Every pattern is applied in file order, as nbval applies them, so these examples also
show that the general patterns (addresses, process names) and these work together.
"""


import pytest

from tests.plugin import sanitize

NOTE = "Correct! One worker per usable CPU keeps every CPU busy without taking turns."


@pytest.mark.parametrize(("raw", "clean"), [
    # 01: check_pool_size's note where a container CPU quota is set
    (NOTE + " (This machine also has a container CPU quota of 1.5 CPUs: a pool of 1 fits "
     "inside it. See 'Containers and PYTHON_CPU_COUNT' above.)", NOTE),
    (NOTE, NOTE),
    # 02 (and 06): %%writefile on a re-run
    ("Overwriting article_process.py", "Writing article_process.py"),
    ("Overwriting my_cube.py", "Writing my_cube.py"),
    ("Writing my_workers.py", "Writing my_workers.py"),
    # 02: the child's error for a notebook function (traceback_summary already drops the
    # "(built-in)" / "(<class ...>)" part of 3.11-3.13)
    ("AttributeError: Can't get attribute 'double' on <module '__main__'>",
     "AttributeError: <no double in the child's __main__>"),
    ("AttributeError: module '__main__' has no attribute 'double'",
     "AttributeError: <no double in the child's __main__>"),
    ("AttributeError: module 'os' has no attribute 'double'",
     "AttributeError: module 'os' has no attribute 'double'"),
    # 02: the lambda's PicklingError (evalue), before and after the address pattern
    ("Can't pickle <function <lambda> at 0x7f32eed54b80>: attribute lookup <lambda> on "
     "__main__ failed",
     "Can't pickle <function <lambda> at 0x<addr>>: <a lambda has no importable name>"),
    ("Can't pickle <function <lambda> at 0x7f4da49901a0>: it's not found as __main__.<lambda>",
     "Can't pickle <function <lambda> at 0x<addr>>: <a lambda has no importable name>"),
])
def test_examples(raw, clean):
    assert sanitize(raw) == clean


def test_both_wordings_become_one():
    old = "AttributeError: Can't get attribute 'f' on <module '__main__'>"
    new = "AttributeError: module '__main__' has no attribute 'f'"
    assert sanitize(old) == sanitize(new)
