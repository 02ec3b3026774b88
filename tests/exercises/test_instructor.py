"""Instructor tools: list, solutions, validation, a solutions copy of the notebooks, reset, room summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import k8slab
from k8slab import instructor
from k8slab.exercises import catalogue

ROOT = Path(__file__).resolve().parents[2]


def run(*args, env_progress="off"):
    return subprocess.run([sys.executable, "-m", "k8slab.instructor", *args], capture_output=True, text=True,
                          cwd=ROOT, env={"K8SLAB_PROGRESS": str(env_progress), "PATH": "", "PYTHONPATH": str(ROOT)})


def test_validate_covers_every_exercise_of_the_catalogue():
    """What make test relies on: every reference solution passes, every misconception fails."""
    out = run("validate")
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    for ex in catalogue.exercises():
        line = next(x for x in lines if f" {ex.id}: " in x)
        assert line.startswith("pending" if ex.pending else "ok"), line
    assert lines[-1].endswith("0 failed")


def test_validation_catches_a_wrong_stored_answer(monkeypatch):
    from dataclasses import replace

    from k8slab.exercises import validate as v

    ex = catalogue.by_id()["00.worker-pod-cidr"]
    bad = replace(ex, answers=(ex.misconceptions[0].answers[0],))
    finding = v.validate_exercise(bad, {})
    assert not finding.ok and any("does not pass" in p for p in finding.problems)
    leaky = replace(ex, hints=("It is 10.244.1.0/24.",))
    assert any("gives the answer away" in p for p in v.validate_exercise(leaky, {}).problems)


def test_list_and_solutions():
    out = run("list")
    assert out.returncode == 0 and "00-welcome (10)" in out.stdout and "[pending]" in out.stdout
    out = run("solutions", "00.worker-pod-cidr", "00.task-a-reaches-b")
    assert "answer: 10.244.1.0/24" in out.stdout and "cluster.apply(" in out.stdout


def _notebook(cells):
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_write_solutions(tmp_path):
    src, out = tmp_path / "nb", tmp_path / "solutions"
    src.mkdir()
    cells = [
        {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["# Hi"]},
        {"cell_type": "code", "id": "c1", "metadata": {"tags": ["solution"]}, "execution_count": 3,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["x"]}],
         "source": ['check("00.worker-pod-cidr", "...")']},
        {"cell_type": "code", "id": "c2", "metadata": {"tags": ["solution", "exercise:00.task-a-reaches-b"]},
         "execution_count": None, "outputs": [], "source": ["# your cells here"]},
        {"cell_type": "code", "id": "c3", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ['check("00.node-count", 2)']},
    ]
    (src / "00-welcome.ipynb").write_text(json.dumps(_notebook(cells)))
    res = run("write-solutions", str(src), str(out))
    assert res.returncode == 0, res.stderr
    assert "2 solution cells filled" in res.stdout
    nb = json.loads((out / "00-welcome.ipynb").read_text())
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert sources[1] == "# Reference solution for 00.worker-pod-cidr\ncheck(\"00.worker-pod-cidr\", '10.244.1.0/24')"
    assert nb["cells"][1]["outputs"] == [] and nb["cells"][1]["execution_count"] is None
    assert nb["cells"][2]["metadata"]["tags"] == ["solution-note"] and "Why (00.worker-pod-cidr)" in sources[2]
    assert "cluster.apply(" in sources[3] and sources[3].endswith('check("00.task-a-reaches-b", cluster=cluster)')
    assert sources[-1] == 'check("00.node-count", 2)'  # untagged cells are left alone
    # The solutions copy really solves: run the filled cells in order.
    env = {"check": k8slab.check, "cluster": k8slab.kind(workers=2)}
    from k8slab.exercises.checking import isolated

    with isolated():
        results = []
        for i in (1, 3):
            exec(sources[i].replace("check(", "results.append(check(") + ")", dict(env, results=results))
    assert all(r.correct for r in results)
    assert run("write-solutions", str(src), str(src)).returncode == 2


def test_validate_flags_unknown_exercises_in_notebooks(tmp_path):
    cells = [{"cell_type": "code", "id": "c", "metadata": {"tags": ["solution"]}, "execution_count": None,
              "outputs": [], "source": ['check("00.no-such-thing", 1)']}]
    (tmp_path / "x.ipynb").write_text(json.dumps(_notebook(cells)))
    res = run("validate", "00.node-count", "--notebooks", str(tmp_path))
    assert res.returncode == 1 and "unknown exercise 00.no-such-thing" in res.stdout


def test_reset(tmp_path, monkeypatch, progress_file):
    k8slab.check("00.node-count", 2)
    k8slab.check("00.worker-pod-cidr", "10.244.1.0/24")
    assert run("reset", "--file", str(progress_file)).returncode == 1  # asks for --yes
    res = run("reset", "--file", str(progress_file), "--exercise", "00.node-count", "--yes")
    assert res.returncode == 0 and "cleared 1 attempts" in res.stdout
    assert [a["exercise"] for a in json.loads(progress_file.read_text())["attempts"]] == ["00.worker-pod-cidr"]
    res = run("reset", "--yes", env_progress=progress_file)
    assert "cleared 1 attempts" in res.stdout and json.loads(progress_file.read_text())["attempts"] == []


def test_room_summary(tmp_path, monkeypatch):
    room = tmp_path / "room"
    room.mkdir()
    for user, answers in (("ana", ["10.96.0.0/16", "10.244.1.0/24"]), ("bo", ["10.96.0.0/16"]),
                          ("cy", ["10.244.1.0/24"])):
        path = tmp_path / f"{user}.json"
        monkeypatch.setenv("K8SLAB_PROGRESS", str(path))
        monkeypatch.setenv("K8SLAB_USER", user)
        from k8slab.exercises import reset_session

        reset_session()
        for a in answers:
            k8slab.check("00.worker-pod-cidr", a)
        report = k8slab.progress()
        if user == "bo":
            report.to_csv(room / "bo.csv")
        else:
            report.to_json(room / f"{user}.json")
    (room / "notes.txt").write_text("ignored")
    (room / "broken.json").write_text("{}")
    text, rows = instructor.summarise_room(room)
    assert text.startswith("3 learners")
    assert rows == [{"exercise": "00.worker-pod-cidr", "learners_tried": 3, "learners_solved": 2,
                     "median_tries_to_solve": 1.5, "solution_viewed": 0, "top_misconception": "service-cidr (2)"}]
    assert "ana: 1" in text and "bo: 0" in text and "skipped broken.json" in text
    res = run("summary", str(room), "--csv", str(tmp_path / "room.csv"))
    assert res.returncode == 0 and (tmp_path / "room.csv").read_text().startswith("exercise,learners_tried")
