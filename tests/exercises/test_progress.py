"""The progress file: atomic, locked writes that survive SIGKILL and concurrent writers."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import k8slab
from k8slab.exercises import progress

ROOT = Path(__file__).resolve().parents[2]
# Records attempts in a loop through check(), printing each attempt's id once check() has returned.
CHILD = """
import sys
from k8slab.exercises import check
answers = ["10.96.0.0/16", "10.244.1.0/24", "10.244.7.0/24", "not an answer"]
for i in range(int(sys.argv[1])):
    r = check("00.worker-pod-cidr", answers[i % len(answers)])
    assert r.attempt_id and not r.note, r.note
    print(r.attempt_id, flush=True)
"""


def _child(path: Path, n: int) -> subprocess.Popen:
    env = dict(os.environ, K8SLAB_PROGRESS=str(path), PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", CHILD, str(n)], stdout=subprocess.PIPE, text=True, env=env)


def _ids(path: Path) -> list[str]:
    return [a["id"] for a in json.loads(path.read_text())["attempts"]]


def test_sigkill_while_recording_loses_no_returned_attempt(tmp_path):
    path = tmp_path / "progress.json"
    # A big file makes each write take longer, so kills land inside writes more often.
    progress._write(path, {"format": progress.FORMAT, "user": "t",
                           "attempts": [{"id": f"old{i}", "exercise": "x", "result": "incorrect"}
                                        for i in range(3000)]})
    rng = random.Random(7)
    returned: list[str] = []
    for _ in range(6):
        proc = _child(path, 100000)
        target = rng.randint(5, 40)
        got = []
        while len(got) < target:
            line = proc.stdout.readline()
            assert line, "child died early"
            got.append(line.strip())
        time.sleep(rng.random() * 0.01)
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        got += [x for x in rest.split("\n") if len(x) == 32]
        assert proc.returncode == -signal.SIGKILL
        returned += got
    on_disk = set(_ids(path))
    missing = [i for i in returned if i not in on_disk]
    assert not missing, f"{len(missing)} of {len(returned)} returned attempts lost"
    assert len(on_disk) >= 3000 + len(returned)
    # A killed writer may leave its temporary file; the next write removes it.
    progress.record({"exercise": "x", "result": "correct"}, path)
    assert not list(tmp_path.glob(".progress.json.*.tmp"))


def test_two_processes_recording_at_once_lose_nothing(tmp_path):
    path = tmp_path / "progress.json"
    procs = [_child(path, 150) for _ in range(2)]
    printed = []
    for p in procs:
        out, _ = p.communicate(timeout=300)
        assert p.returncode == 0
        printed += out.split()
    assert len(printed) == 300 and sorted(_ids(path)) == sorted(printed)


def test_threads_recording_at_once_lose_nothing(tmp_path):
    path = tmp_path / "progress.json"
    ids: list[str] = []

    def work():
        for _ in range(40):
            ids.append(progress.record({"exercise": "00.node-count", "result": "incorrect"}, path))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(_ids(path)) == sorted(ids) and len(ids) == 160


def test_an_unreadable_file_is_moved_aside_not_lost(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text("{ half a file")
    progress.record({"exercise": "x", "result": "correct"}, path)
    assert (tmp_path / "progress.json.unreadable-1").read_text() == "{ half a file"
    assert len(_ids(path)) == 1


def test_default_location_and_env(monkeypatch, tmp_path):
    monkeypatch.delenv("K8SLAB_PROGRESS")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert progress.progress_path() == tmp_path / ".k8slab" / "progress.json"
    monkeypatch.setenv("K8SLAB_PROGRESS", "~/elsewhere.json")
    assert progress.progress_path() == tmp_path / "elsewhere.json"
    monkeypatch.setenv("K8SLAB_PROGRESS", "off")
    assert progress.progress_path() is None


def test_progress_table_per_notebook_and_exports(progress_file, tmp_path):
    k8slab.check("00.worker-pod-cidr", "10.96.0.0/16")
    k8slab.check("00.worker-pod-cidr", "10.244.1.0/24")
    k8slab.check("00.node-count", 2)
    k8slab.solution("00.node-count")
    k8slab.check("15.mtu-overlay", cluster=k8slab.kind(workers=1))
    report = k8slab.progress()
    text = str(report)
    assert text == repr(report)
    assert "00-welcome: 1 of 10 solved" in text
    assert "00.worker-pod-cidr" in text and "solved on attempt 2" in text
    assert "solution viewed" in text and "not started" in text
    assert "15-troubleshooting: 0 of 5 solved" in text  # pending scenarios are not listed
    assert not re.search(r"\d\d:\d\d|\d{4}-\d\d-\d\d", text)  # no clock times shown
    html = report._repr_html_()
    assert "<table>" in html and "00.worker-pod-cidr" in html
    csv_text = report.to_csv(tmp_path / "export.csv")
    assert csv_text.splitlines()[0] == ",".join(progress.FIELDS) and len(csv_text.splitlines()) == 6
    assert progress.from_csv(csv_text)["attempts"][0]["exercise"] == "00.worker-pod-cidr"
    doc = json.loads(report.to_json(tmp_path / "export.json"))
    assert len(doc["attempts"]) == 5 and (tmp_path / "export.json").exists()
    assert report.reset(exercise="00.node-count") == 2
    assert len(k8slab.progress().attempts) == 3
    assert len(json.loads(progress_file.with_name("progress.json.bak").read_text())["attempts"]) == 5


def test_progress_off(monkeypatch):
    monkeypatch.setenv("K8SLAB_PROGRESS", "off")
    assert "off" in str(k8slab.progress())


def test_record_returns_only_after_the_file_is_replaced(tmp_path):
    path = tmp_path / "p.json"
    attempt = progress.record({"exercise": "x", "result": "correct"}, path)
    assert _ids(path) == [attempt]
