"""nbgrader end to end: generate the student version, autograde, give feedback, export.

Runs the real nbgrader command line (no server) on a temporary course directory laid
out by ``tools/classroom.py`` from every notebook with exercises, plus the small
fixture assignment ``hangs`` (hangs.ipynb), with grading kernels that use the *spawn*
start method. Hands in: the instructor's own notebooks, the untouched student version,
and the wrong, tampered and hanging submissions of ``submissions.py``.

Needs nbgrader, so it runs in the instructor environment: ``python3 course.py test``
does that (see conftest.py).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from nbgrader.api import Gradebook

from tests.nbgrader.submissions import SUBMISSIONS, Submission
from tools import classroom

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
HANGS = HERE / "hangs.ipynb"
HANG_TIMEOUT = 20
"""Seconds a cell of the ``hangs`` assignment may run (the course's own use 60): enough for
the correct answers (a spawn pool, a spawned child) on a busy machine, short for the hangs."""

COMMAND_LIMIT = 1200
"""Seconds any one nbgrader command may take before the test gives up on it."""

UNTOUCHED = ("01_cpu_count", "02_process")
"""Assignments handed in untouched. Two prove the rule (an untouched release scores 0 and
says "Not attempted yet"), one of them with a %%writefile exercise; that every release
keeps exactly nbgrader's stub is checked for every assignment by ``verify``, and that every
checker says "Not attempted yet" to ``...`` by the unit tests. Grading more would only
repeat those runs."""


@dataclass
class Course:
    """A graded course directory and what it took to grade it."""

    root: Path
    assignments: list[str]
    """The course's assignments, one per notebook with exercises (not ``hangs``)."""
    config_dir: Path
    """An empty Jupyter config folder, so that no user's nbgrader settings apply."""
    seconds: dict[str, float] = field(default_factory=dict)

    def read(self, folder: str, student: str, assignment: str) -> dict[str, Any]:
        """The notebook of ``assignment`` under ``folder`` (e.g. ``autograded``)."""
        parts = [folder, student] if student else [folder]
        path = self.root.joinpath(*parts, assignment, f"{assignment}.ipynb")
        return classroom.read_notebook(path)

    def scores(self, student: str, assignment: str) -> dict[str, tuple[float, float]]:
        """``{check grade_id: (score, max_score)}`` from the gradebook."""
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", classroom.COURSE_ID) as gb:
            nb = gb.find_submission_notebook(assignment, assignment, student)
            return {grade.name: (grade.score, grade.max_score) for grade in nb.grades}


def nbgrader(course: Course, step: str, *args: str) -> None:
    """Run ``nbgrader *args`` in the course directory; fail with its log if it fails."""
    env = dict(os.environ)
    # ipykernel stops forwarding spawned children's output when this is set.
    env.pop("PYTEST_CURRENT_TEST", None)
    # nbgrader runs the `alembic` executable from its own environment.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # The grading kernel is this environment's python3, even if the user has another,
    # and the only nbgrader settings are the course directory's.
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env["JUPYTER_CONFIG_DIR"] = str(course.config_dir)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course.root,
                            env=env, capture_output=True, text=True, timeout=COMMAND_LIMIT)
    course.seconds[step] = time.perf_counter() - start
    log = course.root / "logs" / f"{step.replace(' ', '_')}.log"
    log.parent.mkdir(exist_ok=True)
    log.write_text(result.stdout + result.stderr)
    errors = [line for line in result.stderr.splitlines() if "| ERROR]" in line]
    assert result.returncode == 0, (
        f"nbgrader {' '.join(args)} failed ({result.returncode}); full log in {log}:\n"
        f"{result.stderr[-6000:]}\n" + "\n".join(errors))


def hand_in(course: Course, student: str, assignment: str, nb: dict[str, Any]) -> None:
    """Put ``nb`` where nbgrader collects it: ``submitted/<student>/<assignment>/``."""
    folder = course.root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    classroom.write_notebook(folder / f"{assignment}.ipynb", nb)


def edited(nb: dict[str, Any], edits: dict[str, str | None]) -> dict[str, Any]:
    """A copy of ``nb`` with the cells named in ``edits`` replaced or (``None``) deleted."""
    nb = json.loads(json.dumps(nb))
    found = {classroom.nbgrader_meta(c).get("grade_id") for c in nb["cells"]}
    assert set(edits) <= found, f"no cell with grade_id {sorted(set(edits) - found)}"
    cells = []
    for cell in nb["cells"]:
        grade_id = classroom.nbgrader_meta(cell).get("grade_id")
        if grade_id in edits and edits[grade_id] is None:
            continue
        if grade_id in edits:
            cell["source"] = edits[grade_id]
        cells.append(cell)
    nb["cells"] = cells
    return nb


def cells_by_id(nb: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The nbgrader cells of ``nb`` by grade_id."""
    return {classroom.nbgrader_meta(c)["grade_id"]: c for c in nb["cells"]
            if classroom.nbgrader_meta(c)}


def output_text(cell: dict[str, Any]) -> str:
    """Everything a cell printed or raised, as plain text."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(classroom.source_of({"source": out["text"]}))
        elif out["output_type"] == "error":
            parts += [out["ename"], out["evalue"], *out["traceback"]]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory,
           request: pytest.FixtureRequest) -> Iterator[Course]:
    """Lay out, generate, hand in, autograde, give feedback and export, once."""
    notebooks = classroom.course_notebooks()
    assert notebooks, "no notebook with exercises in notebooks/"
    course = Course(tmp_path_factory.mktemp("classroom"), [p.stem for p in notebooks],
                    tmp_path_factory.mktemp("jupyter-config"))
    classroom.init(course.root, [*notebooks, HANGS], start_method="spawn")
    nbgrader(course, "generate_assignment", "generate_assignment", "*")

    for assignment in [*course.assignments, HANGS.stem]:
        hand_in(course, "instructor", assignment, course.read("source", "", assignment))
    for assignment in UNTOUCHED:
        hand_in(course, "untouched", assignment, course.read("release", "", assignment))
    for sub in SUBMISSIONS:
        hand_in(course, sub.student, sub.assignment,
                edited(course.read("release", "", sub.assignment), sub.edits))

    # The hangs first, with a short cell timeout; then everything else, which skips
    # what is already graded, with the course's own timeout (nbgrader_config.py).
    nbgrader(course, "autograde hangs", "autograde", HANGS.stem,
             f"--Execute.timeout={HANG_TIMEOUT}")
    nbgrader(course, "autograde the rest", "autograde", "*")
    nbgrader(course, "generate_feedback", "generate_feedback", "*")
    nbgrader(course, "export", "export", f"--to={course.root / 'grades.csv'}")
    yield course
    times = ", ".join(f"{step} {seconds:.0f} s" for step, seconds in course.seconds.items())
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nnbgrader, {len(course.assignments)} assignments + hangs: {times}; "
              f"total {sum(course.seconds.values()):.0f} s", flush=True)


def test_student_version_has_no_solutions_and_every_check_has_points(course: Course):
    ids = []
    for assignment in course.assignments:
        assert classroom.release_problems(course.root, assignment) == [], assignment
        text = (course.root / "release" / assignment / f"{assignment}.ipynb").read_text()
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
        cells = [c for c in course.read("release", "", assignment)["cells"]
                 if classroom.nbgrader_meta(c)]
        checks = [c for c in cells if classroom.nbgrader_meta(c)["grade"]]
        assert checks and all(classroom.nbgrader_meta(c)["points"] > 0 for c in checks)
        ids += [classroom.nbgrader_meta(c)["grade_id"] for c in cells]
    assert len(ids) == len(set(ids)), "grade_ids are unique across the course"


def test_classroom_verify_command_agrees(course: Course):
    result = subprocess.run([sys.executable, "-m", "tools.classroom", "verify",
                             str(course.root)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout
    assert result.stdout.count("ready to hand out") == len(course.assignments) + 1


def test_answer_cells_are_open_in_the_student_version(course: Course):
    for assignment in course.assignments:
        for cell in course.read("release", "", assignment)["cells"]:
            if classroom.nbgrader_meta(cell).get("solution"):
                assert not cell["metadata"].get("jupyter", {}).get("source_hidden")


@pytest.mark.parametrize("assignment_kind", ["course", "hangs"])
def test_instructor_notebooks_score_full_marks(course: Course, assignment_kind: str):
    assignments = course.assignments if assignment_kind == "course" else [HANGS.stem]
    for assignment in assignments:
        scores = course.scores("instructor", assignment)
        assert scores and all(got == top for got, top in scores.values()), (assignment, scores)


def test_untouched_student_version_scores_zero_and_says_not_attempted(course: Course):
    for assignment in UNTOUCHED:
        scores = course.scores("untouched", assignment)
        assert scores and all(got == 0 for got, _ in scores.values()), (assignment, scores)
        checks = cells_by_id(course.read("autograded", "untouched", assignment))
        for grade_id in scores:
            errors = [o for o in checks[grade_id]["outputs"] if o["output_type"] == "error"]
            assert [e["ename"] for e in errors] == ["NotAttempted"], (assignment, grade_id)
            assert "Not attempted yet" in output_text(checks[grade_id])


@pytest.mark.parametrize("sub", SUBMISSIONS, ids=lambda s: s.student)
def test_submission_scores(course: Course, sub: Submission):
    scores = course.scores(sub.student, sub.assignment)
    assert {grade_id: got for grade_id, (got, _) in scores.items()} == sub.scores


@pytest.mark.parametrize("sub", [s for s in SUBMISSIONS if s.feedback], ids=lambda s: s.student)
def test_feedback_says_what_is_wrong_without_the_answer(course: Course, sub: Submission):
    graded = cells_by_id(course.read("autograded", sub.student, sub.assignment))
    source = cells_by_id(course.read("source", "", sub.assignment))
    for grade_id, expected in sub.feedback.items():
        said = output_text(graded[grade_id])
        assert expected in said, (grade_id, said)
        answer_id = grade_id.replace("-check", "-answer")
        for line in classroom.solution_lines(classroom.source_of(source[answer_id])):
            assert line not in said, f"{grade_id} reveals the solution line {line!r}"
    html = (course.root / "feedback" / sub.student / sub.assignment
            / f"{sub.assignment}.html").read_text()
    assert "Not yet" in html


def test_tampered_check_cells_are_restored_and_run(course: Course):
    graded = cells_by_id(course.read("autograded", "tampered", "01_cpu_count"))
    source = cells_by_id(course.read("source", "", "01_cpu_count"))
    for grade_id in ("nb01-pool-size-check", "nb01-scheduler-check"):
        assert grade_id in graded, f"{grade_id} was not put back"
        restored = classroom.source_of(graded[grade_id])
        assert classroom.source_of(source[grade_id]) in restored
        assert graded[grade_id]["outputs"], f"{grade_id} did not run"


def test_hanging_answers_are_interrupted_and_the_rest_is_graded(course: Course):
    graded = cells_by_id(course.read("autograded", "hanging", "hangs"))
    for grade_id in ("hangs-pool-answer", "hangs-loop-answer", "hangs-drain-answer"):
        assert "CellTimeoutError" in output_text(graded[grade_id]), grade_id
    # Without the interrupts it would never end. Two submissions and three interrupts
    # take about a minute; the bound leaves room for a slow, busy machine.
    assert course.seconds["autograde hangs"] < 600


def test_grading_kernels_use_spawn(course: Course):
    first_cell = course.read("autograded", "instructor", HANGS.stem)["cells"][1]
    assert "start method: spawn" in output_text(first_cell)


def test_feedback_for_every_submission(course: Course):
    for assignment in course.assignments:
        html = course.root / "feedback" / "instructor" / assignment / f"{assignment}.html"
        assert html.exists(), html
    for assignment in UNTOUCHED:
        untouched = (course.root / "feedback" / "untouched" / assignment
                     / f"{assignment}.html").read_text()
        assert "Not attempted yet" in untouched
    assert (course.root / "feedback" / "hanging" / "hangs" / "hangs.html").exists()


def test_grades_export_to_csv(course: Course):
    with open(course.root / "grades.csv", newline="") as file:
        rows = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(file)}
    for assignment in course.assignments:
        total = sum(top for _, top in course.scores("instructor", assignment).values())
        assert float(rows[assignment, "instructor"]["score"]) == total
    for assignment in UNTOUCHED:
        assert float(rows[assignment, "untouched"]["score"]) == 0
    assert float(rows["01_cpu_count", "wrong"]["score"]) == 1
    assert float(rows["hangs", "hanging"]["score"]) == 2


def test_verify_catches_a_leaked_solution(tmp_path: Path):
    notebook = classroom.course_notebooks()[0]
    classroom.init(tmp_path, [notebook])
    leaked = tmp_path / "release" / notebook.stem
    leaked.mkdir(parents=True)
    shutil.copy(tmp_path / "source" / notebook.stem / notebook.name, leaked)
    (leaked / "my_workers.py").write_text("### BEGIN SOLUTION\n")
    problems = "\n".join(classroom.release_problems(tmp_path, notebook.stem))
    assert "still has" in problems and "my_workers.py: contains 'BEGIN SOLUTION'" in problems


@pytest.mark.parametrize("method", classroom.START_METHODS)
def test_config_is_valid_python(method: str):
    compile(classroom.config_text(60, method), "nbgrader_config.py", "exec")
