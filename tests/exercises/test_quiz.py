"""Quizzes: a plain model with static HTML, and a widget whose model ids are deterministic."""

from __future__ import annotations

import subprocess
import sys

import k8slab
from k8slab.exercises import quiz, quizzes

WIDGET_IDS = """
import warnings
warnings.simplefilter("ignore")
import ipywidgets as w
before = set(w.Widget.widgets)
import k8slab
for qid in ["00.quiz-who-assigns-podcidr", "00.tf-pod-to-pod-nat", "00.quiz-who-assigns-podcidr"]:
    box = k8slab.quiz(qid)
    print(qid, box._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]["model_id"])
print(sorted(set(w.Widget.widgets) - before))
"""


def test_quiz_model():
    q = quiz("00.quiz-who-assigns-podcidr")
    assert [letter for letter, _ in q.options] == ["a", "b", "c", "d"] and not q.multiple and not q.true_false
    assert str(q) == repr(q) and 'check("00.quiz-who-assigns-podcidr", "<letter>")' in str(q)
    assert 'id="k8slab-quiz-00-quiz-who-assigns-podcidr"' in q._repr_html_()
    assert q.check("c").misconception == "cni-chooses"
    assert quiz("00.tf-pod-to-pod-nat").true_false
    assert [x.id for x in quizzes("00-welcome")] == ["00.quiz-who-assigns-podcidr", "00.tf-pod-to-pod-nat"]
    assert quiz("00.worker-pod-cidr").status == "not-a-quiz"
    assert quiz("nope").status == "unknown"


def test_widget_ids_are_the_same_in_every_kernel(tmp_path):
    runs = [subprocess.run([sys.executable, "-c", WIDGET_IDS], capture_output=True, text=True,
                           env={"K8SLAB_PROGRESS": "off", "PATH": ""}) for _ in range(2)]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    lines = runs[0].stdout.splitlines()
    assert lines[0].split()[1] != lines[2].split()[1]  # the same quiz shown twice: distinct models
    from k8slab.notebook.quiz import model_id

    created = eval(lines[-1])
    expected = {model_id(q, n, part + sub) for q, n in (("00.quiz-who-assigns-podcidr", 1),
                                                        ("00.quiz-who-assigns-podcidr", 2), ("00.tf-pod-to-pod-nat", 1))
                for part in ("prompt", "options", "check", "feedback", "box") for sub in ("", ".layout", ".style")}
    assert set(created) <= expected  # every widget model the quiz made has a derived id


def test_widget_answers_through_check():
    box = k8slab.quiz("00.tf-pod-to-pod-nat")
    prompt, picker, button, feedback = box.children
    button.click()
    assert "Choose an answer" in feedback.value
    picker.index = 0
    button.click()
    assert "k8slab-check-misconception" in feedback.value
    picker.index = 1
    button.click()
    assert "k8slab-check-correct" in feedback.value
    bundle = box._repr_mimebundle_()
    assert bundle["text/plain"] == str(quiz("00.tf-pod-to-pod-nat")) and "k8slab-quiz" in bundle["text/html"]
    assert "k8slab-quiz-00-tf-pod-to-pod-nat" in box._dom_classes


def test_widget_for_a_non_quiz_is_the_message():
    assert k8slab.quiz("00.worker-pod-cidr").status == "not-a-quiz"
