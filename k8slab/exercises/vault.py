"""How answers are kept out of plain sight in the repository.

Expected answers and misconception answers are stored as ``sha256(salt + "\\0" + normalised)``
(hex): ``check()`` hashes the learner's normalised answer the same way and compares. Reading the
catalogue therefore does not show the answer. Be honest about the limits: most answers here (an
IP, a /24, a count) come from a small space, so someone determined can hash every candidate and
find the match; the hashing stops spoilers by accident and casual reading, not a determined attacker.

Reference solutions (the answer, why, and the code of a solution cell) are *obfuscated*, not
encrypted: a JSON document XORed with a key stream derived from the exercise id, compressed and
base64-encoded behind a ``k8s1:`` prefix. Anyone with this module can decode it (the instructor
tools do); it only keeps the solution from being read at a glance or found with grep.

>>> h = answer_hash("c0ffee", "10.244.1.0/24")
>>> h == answer_hash("c0ffee", "10.244.1.0/24") and h != answer_hash("c0ffee", "10.244.2.0/24")
True
>>> blob = obfuscate("05.demo", {"answer": "42"})
>>> blob.startswith("k8s1:") and "42" not in blob
True
>>> reveal("05.demo", blob)
{'answer': '42'}
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import zlib

PREFIX = "k8s1:"


def new_salt() -> str:
    """A fresh random salt for one exercise (16 hex digits)."""
    return secrets.token_hex(8)


def answer_hash(salt: str, normalised: str) -> str:
    """The stored form of one normalised answer."""
    return hashlib.sha256(f"{salt}\0{normalised}".encode()).hexdigest()


def matches(salt: str, normalised: str, stored: str) -> bool:
    """Whether a normalised answer hashes to ``stored`` (compared in constant time)."""
    return hmac.compare_digest(answer_hash(salt, normalised), stored)


def _keystream(exercise_id: str, n: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"k8slab-solution:{exercise_id}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:n])


def obfuscate(exercise_id: str, data: dict) -> str:
    """Encode a solution document for the catalogue (see the module docstring: not encryption)."""
    raw = zlib.compress(json.dumps(data, sort_keys=True, ensure_ascii=False).encode(), 9)
    key = _keystream(exercise_id, len(raw))
    return PREFIX + base64.b64encode(bytes(a ^ b for a, b in zip(raw, key))).decode()


def reveal(exercise_id: str, blob: str) -> dict:
    """Decode what :func:`obfuscate` made; ``{}`` for an empty blob."""
    if not blob:
        return {}
    if not blob.startswith(PREFIX):
        raise ValueError("not an obfuscated solution (expected the k8s1: prefix)")
    data = base64.b64decode(blob[len(PREFIX):])
    key = _keystream(exercise_id, len(data))
    return json.loads(zlib.decompress(bytes(a ^ b for a, b in zip(data, key))).decode())
