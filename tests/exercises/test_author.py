"""The authoring tool: plain spec in, hashed declarations out, that check() then accepts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from k8slab.exercises import vault
from k8slab.exercises.author import declare, main, render
from k8slab.exercises.checking import check_exercise, isolated
from k8slab.exercises.model import Exercise, Misconception

ROOT = Path(__file__).resolve().parents[2]
SPEC = {
    "notebook": "05-flat-network",
    "exercises": [{
        "id": "05.lpm-next-hop", "kind": "value", "title": "Next hop",
        "prompt": "Which IP does kind-worker route a packet for 10.244.2.7 to? " + "Think about it. " * 10,
        "normaliser": "ip", "answers": ["172.18.0.4"],
        "reason": "The /24 via kind-worker2 is the longest matching prefix.",
        "misconceptions": [{"name": "default-route", "answers": ["172.18.0.1"],
                            "feedback": "That is the default route's gateway; a longer prefix matches first."}],
        "hints": ["Routes.", "Longest prefix."],
        "solution": {"answer": "172.18.0.4", "why": "LPM."},
    }, {
        "id": "05.quiz", "kind": "choice", "prompt": "Pick", "options": ["one", "two"], "answers": ["two"],
        "hints": ["h"], "solution": {"answer": "b"},
    }],
}


def _load(source: str) -> list[Exercise]:
    env = {"Exercise": Exercise, "Misconception": Misconception}
    exec("EXERCISES = [\n" + source + "\n]", env)
    return env["EXERCISES"]


def test_rendered_declarations_check_like_the_plain_spec():
    source = render(SPEC)
    assert "172.18.0.4" not in source and "172.18.0.1" not in source and "longest matching" not in source
    assert max(len(line) for line in source.splitlines()) <= 120
    ex, quiz = _load(source)
    with isolated():
        assert check_exercise(ex, " 172.18.0.4/32").correct
        assert "longest matching prefix" in str(check_exercise(ex, "172.18.0.4"))
        assert check_exercise(ex, "172.18.0.1").misconception == "default-route"
        assert check_exercise(quiz, "two").correct and check_exercise(quiz, "B").correct
    assert vault.reveal(ex.id, ex.solution) == {"answer": "172.18.0.4", "why": "LPM.",
                                                "reason": "The /24 via kind-worker2 is the longest matching prefix."}


def test_declare_rejects_what_it_cannot_hash():
    import pytest

    with pytest.raises(ValueError, match="normaliser"):
        declare({"id": "05.x", "kind": "value", "normaliser": "nope", "answers": ["1"]})
    with pytest.raises(ValueError, match="at least one answer"):
        declare({"id": "05.x", "kind": "value", "normaliser": "ip"})


def test_command_line(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    assert main(["render", str(spec)]) == 0
    assert "Exercise(" in capsys.readouterr().out
    assert main(["hash", "--id", "05.x", "--normaliser", "cidr", "--salt", "ab", "10.244.1.0/24 "]) == 0
    assert vault.answer_hash("ab", "10.244.1.0/24") in capsys.readouterr().out
    sol = tmp_path / "sol.yaml"
    sol.write_text("answer: 42\nwhy: because\n")
    assert main(["obfuscate", "--id", "05.x", str(sol)]) == 0
    blob = eval(capsys.readouterr().out)
    assert vault.reveal("05.x", blob) == {"answer": 42, "why": "because"}
    assert main(["hash", "--id", "05.x", "--normaliser", "ip", "nope"]) == 1


def test_render_refuses_a_spec_git_tracks():
    tracked = ROOT / "README.md"  # any tracked file stands in for a committed spec
    out = subprocess.run([sys.executable, "-m", "k8slab.exercises.author", "render", str(tracked)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2 and "tracked by git" in out.stderr
