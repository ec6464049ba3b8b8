"""The student submissions that the grading tests hand in, as small edits of the real thing.

Each submission starts from the student version that ``nbgrader generate_assignment``
makes (``release/<assignment>/<notebook>.ipynb``), so it never goes stale when a
notebook changes, and replaces the source of a few cells, found by ``grade_id``
(``None`` deletes the cell). ``scores`` is what autograde must give each check.

Two more submissions need no edit: ``instructor`` hands in nbgrader's ``source``
version of every assignment (full marks) and ``untouched`` hands in the student
version as released (zero, and every check says "Not attempted yet").
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Submission:
    """One student's edited copy of one released notebook, and the scores it must get."""

    student: str
    assignment: str
    edits: dict[str, str | None]
    scores: dict[str, float]
    feedback: dict[str, str] = field(default_factory=dict)
    """Text that the output of a check (by grade_id) must contain."""

    @property
    def notebook(self) -> str:
        """The notebook's file name: each assignment has one notebook of the same name."""
        return f"{self.assignment}.ipynb"


WRONG = Submission(
    student="wrong",
    assignment="01_cpu_count",
    edits={
        "nb01-pool-size-answer": "pool_size = 1000",  # wrong: more than any CPU count here
        "nb01-scheduler-answer": 'choice = "c"',  # right
    },
    scores={"nb01-pool-size-check": 0, "nb01-scheduler-check": 1},
    feedback={"nb01-pool-size-check": "Not yet. That is more workers than this process has "
                                      "CPUs to run them on."},
)
"""Partial credit: one answer wrong, one right; the hint says what is wrong."""

TAMPERED = Submission(
    student="tampered",
    assignment="01_cpu_count",
    edits={
        "nb01-pool-size-answer": "pool_size = 1000",
        "nb01-pool-size-check": "print('Correct!')",  # a locked check cell, edited
        "nb01-scheduler-answer": 'choice = "a"',
        "nb01-scheduler-check": None,  # a locked check cell, deleted
    },
    scores={"nb01-pool-size-check": 0, "nb01-scheduler-check": 0},
    feedback={"nb01-pool-size-check": "Not yet.", "nb01-scheduler-check": "Not yet."},
)
"""Wrong answers behind edited and deleted check cells: nbgrader restores and runs them.

Were the cells not restored, the edited one would score full marks (no error)."""

HANGING = Submission(
    student="hanging",
    assignment="hangs",
    edits={
        # A Pool given a function defined in the notebook: under spawn every worker
        # dies unpickling its task ("Can't get attribute 'square'"), and map waits forever.
        "hangs-pool-answer": (
            "def square(x):\n"
            "    return x * x\n"
            "\n"
            "\n"
            "with Pool(2) as pool:\n"
            "    squares = pool.map(square, range(10))"
        ),
        # An infinite loop: n never grows.
        "hangs-loop-answer": (
            "total, n = 0, 0\n"
            "while n < 10:\n"
            "    total += n"
        ),
        # Join before drain: the child cannot exit until its 1 MB message leaves the
        # pipe, and nobody reads the pipe until the child has exited.
        "hangs-drain-answer": (
            "queue = Queue()\n"
            'child = Process(target=queue.put, args=("x" * 1_000_000,))\n'
            "child.start()\n"
            "child.join()\n"
            "message = queue.get()"
        ),
        "hangs-last-answer": "workers = 2",  # right, and graded after three hangs
    },
    scores={"hangs-pool-check": 0, "hangs-loop-check": 0, "hangs-drain-check": 0,
            "hangs-last-check": 2},
)
"""Three answers that never finish (tests/nbgrader/hangs.ipynb), then a right one."""

SUBMISSIONS = (WRONG, TAMPERED, HANGING)
