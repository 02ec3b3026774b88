"""Authoring tool: turn plain answers into the catalogue's hashed form.

Course authors write a plain spec (YAML, kept out of git: answers are in it), then render it into
the Python a catalogue module holds, with answers salted and hashed and the solution obfuscated::

    python -m k8slab.exercises.author render my-spec.yaml >> k8slab/exercises/catalogue/nb05_flat.py
    python -m k8slab.exercises.author hash --id 05.lpm-next-hop --normaliser ip --salt 1a2b 172.18.0.4
    python -m k8slab.exercises.author obfuscate --id 05.lpm-next-hop solution.yaml

A spec (one file per notebook, or several)::

    notebook: 05-flat-network
    exercises:
      - id: 05.lpm-next-hop
        kind: value                      # value | prediction | choice | task
        title: The next hop to kind-worker2's pods
        prompt: Which IP does kind-worker route a packet for 10.244.2.7 to?
        normaliser: ip
        answers: [172.18.0.4]            # plain here, hashed in the output
        reason: The /24 route via kind-worker2's node IP is the longest prefix that matches.
        misconceptions:
          - name: default-route
            answers: [172.18.0.1]
            feedback: That is the default route's gateway; a longer prefix matches first.
        hints: [first, second, third]
        solution: {answer: 172.18.0.4, why: "..."}   # obfuscated, with the reason
        observe: "lambda c: ..."         # optional, copied as code (see model.Exercise)

``render`` refuses a spec that git tracks (plain answers must never be committed).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from k8slab.exercises import vault
from k8slab.exercises.model import KINDS
from k8slab.exercises.normalise import NormaliseError, known, normalise

INDENT = "    "
WIDTH = 116


def hashes(salt: str, normaliser: str, answers, options=()) -> list[str]:
    """The stored form of each plain answer (normalised first, so equivalent forms agree)."""
    return [vault.answer_hash(salt, normalise(normaliser, a, options=options)) for a in answers]


def _string(text: str, indent: str, room: int) -> str:
    """A Python string literal, split into implicitly concatenated pieces when it is long."""
    if len(repr(text)) <= room:
        return repr(text)
    # Words with the spaces after them, so the pieces join back to exactly the text (runs of spaces
    # matter in code: an example's YAML indentation must survive the split).
    words = re.findall(r"[^ ]+ *| +", text)
    pieces, cur = [], ""
    for w in words:
        if len(repr(cur + w)) > WIDTH - len(indent) - 2 and cur.strip():
            pieces.append(cur)
            cur = w
        else:
            cur += w
    pieces.append(cur)
    inner = indent + INDENT
    return "(\n" + "\n".join(inner + repr(p) for p in pieces) + "\n" + indent + ")"


def _field(name: str, value: str, indent: str) -> str:
    head = f"{indent}{name}="
    return head + _string(value, indent, WIDTH - len(head) - 1) + ","


def declare(spec: dict, salt: str | None = None) -> str:
    """Python source of one ``Exercise(...)`` from a plain spec (see the module docstring)."""
    ex_id = spec["id"]
    kind = spec.get("kind", "value")
    if kind not in KINDS:
        raise ValueError(f'{ex_id}: kind "{kind}" is not one of {", ".join(KINDS)}')
    normaliser = spec.get("normaliser", "choice" if kind == "choice" else "text")
    if not known(normaliser):
        raise ValueError(f'{ex_id}: unknown normaliser "{normaliser}"')
    options = tuple(spec.get("options", ()))
    salt = salt or spec.get("salt") or vault.new_salt()
    i1, i2, i3 = INDENT, INDENT * 2, INDENT * 3
    lines = [f"{i1}Exercise(", f"{i2}id={ex_id!r},", f"{i2}kind={kind!r},"]
    for key in ("title", "prompt"):
        if spec.get(key):
            lines.append(_field(key, spec[key], i2))
    if kind != "task":
        lines.append(f"{i2}normaliser={normaliser!r},")
    if options:
        one = f"{i2}options=(" + ", ".join(repr(o) for o in options) + ("," if len(options) == 1 else "") + "),"
        if len(one) <= WIDTH:
            lines.append(one)
        else:
            lines += [f"{i2}options=("] + [f"{i3}{o!r}," for o in options] + [f"{i2}),"]
    if kind != "task":
        answers = spec.get("answers") or []
        if not answers:
            raise ValueError(f"{ex_id}: a {kind} exercise needs at least one answer")
        lines.append(f"{i2}salt={salt!r},")
        lines.append(f"{i2}answers=(")
        lines += [f"{i3}{h!r}," for h in hashes(salt, normaliser, answers, options)]
        lines.append(f"{i2}),")
    mis = spec.get("misconceptions") or []
    if mis:
        lines.append(f"{i2}misconceptions=(")
        for m in mis:
            wrong = m.get("answers") or ([m["answer"]] if "answer" in m else [])
            lines.append(f"{i3}Misconception(")
            lines.append(f"{i3}{INDENT}name={m['name']!r},")
            lines.append(_field("feedback", m["feedback"], i3 + INDENT))
            if wrong:
                lines.append(f"{i3}{INDENT}answers=(")
                lines += [f"{i3}{INDENT * 2}{h!r}," for h in hashes(salt, normaliser, wrong, options)]
                lines.append(f"{i3}{INDENT}),")
            if m.get("example"):
                lines.append(_field("example", m["example"], i3 + INDENT))
            lines.append(f"{i3}),")
        lines.append(f"{i2}),")
    if spec.get("hints"):
        lines.append(f"{i2}hints=(")
        for h in spec["hints"]:
            lines.append(f"{i3}" + _string(h, i3, WIDTH - len(i3) - 1) + ",")
        lines.append(f"{i2}),")
    if spec.get("solution") or spec.get("reason"):
        # The reason shown with a correct answer often names the answer: it travels in the blob too.
        doc = dict(spec.get("solution") or {})
        if spec.get("reason"):
            doc["reason"] = spec["reason"]
        blob = vault.obfuscate(ex_id, doc)
        lines.append(_field("solution", blob, i2) if len(blob) < 90 else f"{i2}solution=(")
        if len(blob) >= 90:
            step = WIDTH - len(i3) - 4
            lines += [f"{i3}{blob[i:i + step]!r}" for i in range(0, len(blob), step)]
            lines.append(f"{i2}),")
    for fn in ("observe", "setup", "probe"):
        if spec.get(fn):
            lines.append(f"{i2}{fn}={spec[fn]},")
    if spec.get("pending"):
        lines.append(_field("pending", spec["pending"], i2))
    lines.append(f"{i1}),")
    return "\n".join(lines)


def render(doc: dict) -> str:
    """The declarations of every exercise in a spec document, ready for a catalogue module."""
    return "\n".join(declare(s) for s in doc.get("exercises", []))


def _tracked_by_git(path: Path) -> bool:
    try:
        out = subprocess.run(["git", "ls-files", "--error-unmatch", path.name], cwd=path.parent,
                             capture_output=True, text=True)
    except OSError:
        return False
    return out.returncode == 0


def main(argv=None) -> int:
    import yaml

    p = argparse.ArgumentParser(prog="python -m k8slab.exercises.author", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("render", help="print the Exercise(...) declarations of a plain YAML spec")
    r.add_argument("spec", type=Path)
    h = sub.add_parser("hash", help="print the stored hashes of plain answers")
    h.add_argument("--id", required=True)
    h.add_argument("--normaliser", default="text")
    h.add_argument("--salt", help="the exercise's salt (a new one is made if omitted)")
    h.add_argument("--option", action="append", default=[], help="a choice option (repeat, in order)")
    h.add_argument("answers", nargs="+")
    o = sub.add_parser("obfuscate", help="print the solution blob of a YAML document {answer, why, code}")
    o.add_argument("--id", required=True)
    o.add_argument("file", type=Path)
    v = sub.add_parser("reveal", help="decode a solution blob (what the instructor tools do)")
    v.add_argument("--id", required=True)
    v.add_argument("blob")
    args = p.parse_args(argv)
    try:
        if args.cmd == "render":
            if _tracked_by_git(args.spec.resolve()):
                print(f"error: {args.spec} is tracked by git; plain answers must not be committed "
                      "(keep the spec outside the repository or in .gitignore)", file=sys.stderr)
                return 2
            print(render(yaml.safe_load(args.spec.read_text())))
        elif args.cmd == "hash":
            salt = args.salt or vault.new_salt()
            print(f"salt={salt!r},")
            print("answers=(" + ", ".join(repr(x) for x in hashes(salt, args.normaliser, args.answers,
                                                                       args.option)) + ",),")
        elif args.cmd == "obfuscate":
            print(repr(vault.obfuscate(args.id, yaml.safe_load(args.file.read_text()))))
        elif args.cmd == "reveal":
            print(vault.reveal(args.id, args.blob))
    except (OSError, ValueError, KeyError, NormaliseError, yaml.YAMLError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
