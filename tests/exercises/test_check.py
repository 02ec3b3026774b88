"""check(): verdicts, misconception feedback, graded hints, the solution after three, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import k8slab
from k8slab.exercises import check, solution


def test_correct_in_any_equivalent_form():
    for answer in ("10.244.1.0/24", "10.244.1.0/24 ", " 10.244.1.0 /24", "10.244.1.0/255.255.255.0"):
        res = check("00.worker-pod-cidr", answer)
        assert res.correct and bool(res) and res.status == "correct"
        assert "second /24" in str(res)  # the one-line reason
    assert check("00.worker-node-ip", "172.18.0.2/32").correct
    assert check("00.node-count", "three").correct
    assert check("00.quiz-who-assigns-podcidr", "B").correct
    assert check("00.tf-pod-to-pod-nat", False).correct
    assert check("00.predict-from-laptop", "Dropped").correct


def test_misconceptions_are_named():
    res = check("00.worker-pod-cidr", "10.96.0.0/16")
    assert (res.status, res.misconception) == ("misconception", "service-cidr")
    assert "Service CIDR" in str(res) and not res.correct
    res = check("00.pod-ip", "172.18.0.2")
    assert res.misconception == "node-ip" and "node IP" in str(res)
    assert check("00.node-count", 2).misconception == "workers-only"
    assert check("00.predict-next-hop", "172.18.0.1").misconception == "default-route"


def test_graded_hints_then_the_solution_after_three_failures():
    first = check("00.worker-node-ip", "172.18.0.99")
    second = check("00.worker-node-ip", "172.18.0.98")
    third = check("00.worker-node-ip", "172.18.0.97")
    assert "Hint 1:" in str(first) and "Hint 2:" in str(second) and "Last hint:" in str(third)
    assert [r.attempt for r in (first, second, third)] == [1, 2, 3]
    assert not first.solution_shown and not second.solution_shown and third.solution_shown
    assert "172.18.0.2" not in str(first) + str(second)
    assert "Solution: 172.18.0.2" in str(third)


def test_a_misconception_does_not_use_up_a_hint():
    check("00.worker-pod-cidr", "10.96.0.0/16")  # misconception: feedback, no hint
    res = check("00.worker-pod-cidr", "10.244.77.0/24")
    assert "Hint 1:" in str(res) and res.attempt == 2


def test_malformed_answers_are_not_counted():
    res = check("00.worker-pod-cidr", "10.244.1.0")
    assert res.status == "invalid" and "prefix length" in str(res) and "did not count" in str(res)
    assert check("00.worker-pod-cidr", "10.244.9.0/24").attempt == 1


def test_solution_on_request():
    res = solution("00.worker-pod-cidr")
    assert res.status == "solution" and "Solution: 10.244.1.0/24" in str(res) and "Why:" in str(res)
    assert "b) the node IPAM controller" in str(solution("00.quiz-who-assigns-podcidr"))
    assert "cluster.apply(" in str(solution("00.task-a-reaches-b"))


def test_unknown_ids_get_close_matches_and_slugs_work():
    res = check("00.worker-pod-cdir", "x")
    assert res.status == "unknown" and '"00.worker-pod-cidr"' in str(res)
    assert check("worker-pod-cidr", "10.244.1.0/24").correct  # the notebook number may be left out
    assert check(None, "x").status == "unknown"
    assert check(42).status == "unknown"
    assert solution("nope").status == "unknown"


def test_missing_answer_or_cluster_says_how():
    assert 'check("00.worker-pod-cidr", "...")' in str(check("00.worker-pod-cidr"))
    assert "cluster=cluster" in str(check("00.task-a-reaches-b"))


def test_text_and_html_forms():
    res = check("00.worker-pod-cidr", "10.96.0.0/16")
    assert str(res) == repr(res) == res.text()
    html = res._repr_html_()
    assert 'data-exercise="00.worker-pod-cidr"' in html and "k8slab-check-misconception" in html
    assert res.attempt_id and res.attempt_id not in str(res) + html


def test_output_is_the_same_in_every_run(tmp_path):
    code = ("from k8slab.exercises import check, solution\n"
            "for a in ['10.96.0.0/16', '10.244.9.0/24', 'x', '10.244.8.0/24', '10.244.1.0/24']:\n"
            "    r = check('00.worker-pod-cidr', a); print(repr(r)); print(r._repr_html_())\n"
            "print(check('00.task-a-reaches-b', cluster=__import__('k8slab').kind()))\n")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={"K8SLAB_PROGRESS": str(tmp_path / f"p{i}.json"), "PATH": ""}) for i in range(2)]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout


def test_task_checked_on_the_data_plane():
    c = k8slab.kind(workers=2)
    res = check("00.task-a-reaches-b", cluster=c)
    assert not res.correct and res.misconception == "no-source"
    for name, node, image in (("a", "kind-worker", "nicolaka/netshoot"), ("b", "kind-worker", "nginx")):
        c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                        "spec": {"nodeName": node, "containers": [{"name": name, "image": image}]}})
    c.settle()
    res = check("00.task-a-reaches-b", c)  # the cluster may be passed positionally too
    assert res.misconception == "path" and "across nodes" in str(res)
    c2 = k8slab.kind(workers=2)
    for name, node, image in (("a", "kind-worker", "nicolaka/netshoot"), ("b", "kind-worker2", "nginx")):
        c2.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                         "spec": {"nodeName": node, "containers": [{"name": name, "image": image}]}})
    c2.settle()
    res = check("00.task-a-reaches-b", cluster=c2)
    assert res.correct and "reached 10.244.2.2:80" in str(res)


def test_every_attempt_is_recorded(progress_file):
    c = k8slab.kind(workers=1)
    check("00.worker-pod-cidr", "10.96.0.0/16")
    check("00.worker-pod-cidr", "10.244.1.0")
    check("00.task-a-reaches-b", cluster=c)
    ok = check("00.worker-pod-cidr", "10.244.1.0/24")
    solution("00.node-count")
    attempts = json.loads(progress_file.read_text())["attempts"]
    assert [(a["exercise"], a["result"]) for a in attempts] == [
        ("00.worker-pod-cidr", "misconception"), ("00.worker-pod-cidr", "invalid"),
        ("00.task-a-reaches-b", "misconception"), ("00.worker-pod-cidr", "correct"), ("00.node-count", "solution")]
    assert attempts[0]["misconception"] == "service-cidr" and attempts[0]["notebook"] == "00-welcome"
    assert attempts[2]["virtual_time"] == c.now and attempts[0]["virtual_time"] is None
    assert attempts[3]["id"] == ok.attempt_id
    assert all(a["time"].endswith("Z") for a in attempts)
    assert "10.244.1.0/24" not in progress_file.read_text()  # answers themselves are not stored


def test_progress_that_cannot_be_saved_is_a_note_not_an_error(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("K8SLAB_PROGRESS", str(blocker / "progress.json"))
    res = check("00.worker-pod-cidr", "10.244.1.0/24")
    assert res.correct and "progress not saved" in res.note


def test_progress_can_be_off(monkeypatch):
    monkeypatch.setenv("K8SLAB_PROGRESS", "off")
    res = check("00.worker-pod-cidr", "10.244.1.0/24")
    assert res.correct and not res.note


def test_pending_exercises_say_so():
    res = check("15.policy-blocks-dns", cluster=k8slab.kind(workers=1))
    assert res.status == "pending" and "not available yet" in str(res)


def test_the_repository_does_not_show_the_answers():
    """A grep of the catalogue sources finds no plain answer (they are hashed or obfuscated)."""
    import inspect

    from k8slab.exercises import catalogue, vault
    from k8slab.exercises.validate import _leaks

    for ex in catalogue.exercises():
        if ex.kind in ("value", "prediction") and not ex.options and not ex.pending:
            answer = str(vault.reveal(ex.id, ex.solution)["answer"])
            if len(answer) < 2:  # a one-character answer ("1") is in any Python source; it gives nothing away
                continue
            source = inspect.getsource(catalogue.module_of(ex.id))
            assert not _leaks(source, answer), ex.id


def test_text_form_never_breaks_a_command():
    check("00.worker-pod-cidr", "10.244.77.0/24")
    res = check("00.worker-pod-cidr", "10.244.78.0/24")
    assert '`cluster.exec("kind-control-plane", "ip route")`' in str(res)
