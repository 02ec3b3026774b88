"""Exercises: checks, graded hints, feedback on known misconceptions, progress, instructor tools.

In a notebook::

    from k8slab.exercises import check, solution
    check("00.worker-pod-cidr", "10.244.1.0/24")      # values, predictions, quizzes
    check("00.task-a-reaches-b", cluster=cluster)       # tasks: the checker traces packets
    solution("00.worker-pod-cidr")                      # the reference solution
    k8slab.progress()                                   # what you have done, per notebook
    s = k8slab.scenario("mtu-overlay"); s.verify()      # break/fix

Modules: ``normalise`` (equivalent answers), ``vault`` (hashes, obfuscation), ``model`` and
``catalogue`` (the exercises, one module per notebook), ``checking`` (check, solution),
``result`` (what check returns), ``tasks`` (data-plane probes), ``progress`` and ``report``
(the attempts file and its view), ``quiz``, ``scenarios``, ``validate`` (instructor validation),
``author`` (``python -m k8slab.exercises.author``). No Jupyter here: widgets are in
``k8slab.notebook.quiz``. Authoring guide: ``k8slab/exercises/README.md``.
"""

from __future__ import annotations

from k8slab.exercises.checking import check, reset_session, solution
from k8slab.exercises.quiz import Quiz, quiz, quizzes
from k8slab.exercises.report import ProgressReport, show_progress
from k8slab.exercises.result import Result
from k8slab.exercises.scenarios import Scenario, ScenarioError, scenario, scenarios


def exercises(notebook: str | None = None) -> list[str]:
    """The ids of every exercise (or one notebook's), in course order."""
    from k8slab.exercises import catalogue

    return [ex.id for ex in catalogue.exercises() if notebook in (None, ex.notebook)]


__all__ = ["check", "solution", "reset_session", "quiz", "quizzes", "Quiz", "show_progress", "ProgressReport",
           "Result", "scenario", "scenarios", "Scenario", "ScenarioError", "exercises"]
