"""Progress: every attempt, kept in one JSON file per user, safely.

The file is ``~/.k8slab/progress.json``; the environment variable ``K8SLAB_PROGRESS`` moves it
(a path), or turns recording off (``off``). Each attempt is one entry::

    {"id": "9f…", "exercise": "00.worker-pod-cidr", "notebook": "00-welcome", "kind": "value",
     "result": "misconception", "misconception": "service-cidr", "attempt": 1,
     "time": "2026-01-05T10:31:12Z", "virtual_time": null, "session": "5b…"}

``time`` is the wall clock (only here: nothing a notebook displays shows it); ``virtual_time`` is
the cluster's clock when a cluster was involved. The learner's answer itself is not stored.

Why it survives: a write takes an exclusive ``flock`` on ``progress.json.lock`` (two notebooks,
or two threads, take turns), reads the file, appends, writes a temporary file in the same
directory, ``fsync``\\ s it, ``os.replace``\\ s it over the old one and ``fsync``\\ s the directory.
A kernel killed at any moment leaves either the old file or the new one, never half of one, and
:func:`record` returns only once the new one is on disk.
"""

from __future__ import annotations

import contextlib
import csv
import getpass
import io
import json
import os
import secrets
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

try:  # POSIX; elsewhere writes stay atomic but are not serialised between processes.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

FORMAT = "k8slab-progress/1"
ENV = "K8SLAB_PROGRESS"
FIELDS = ("user", "id", "exercise", "notebook", "kind", "result", "misconception", "attempt", "time",
          "virtual_time", "session")
# One id per Python process: lets an instructor tell two sittings apart.
SESSION = secrets.token_hex(6)


class ProgressError(OSError):
    """The progress file could not be read or written."""


_UNSET = object()
_override = _UNSET


@contextlib.contextmanager
def recording_to(path: Path | None) -> Iterator[None]:
    """Send progress to ``path`` (None: nowhere) inside the block; the instructor validation uses it."""
    global _override
    saved, _override = _override, path
    try:
        yield
    finally:
        _override = saved


def progress_path() -> Path | None:
    """Where progress goes: ``$K8SLAB_PROGRESS``, or ``~/.k8slab/progress.json``; None when off."""
    if _override is not _UNSET:
        return _override
    env = os.environ.get(ENV)
    if env is not None and env.strip().lower() in ("off", "none", "0", "false", ""):
        return None
    if env:
        return Path(env).expanduser()
    return Path.home() / ".k8slab" / "progress.json"


def user_name() -> str:
    """Who this file belongs to (``$K8SLAB_USER``, else the login name)."""
    name = os.environ.get("K8SLAB_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:
        return "learner"


def _empty() -> dict:
    return {"format": FORMAT, "user": user_name(), "attempts": []}


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock that guards ``path`` (a sibling ``.lock`` file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _read(path: Path) -> dict:
    """The document at ``path`` (empty if missing). A file that is not ours is moved aside, never lost."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _empty()
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or not isinstance(doc.get("attempts"), list):
            raise ValueError("not a progress document")
        return doc
    except ValueError:
        n = 1
        while path.with_name(f"{path.name}.unreadable-{n}").exists():
            n += 1
        os.replace(path, path.with_name(f"{path.name}.unreadable-{n}"))
        return _empty()


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _write(path: Path, doc: dict) -> None:
    """Replace ``path`` with ``doc`` atomically and durably (call with the lock held)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a writer that was killed
        with contextlib.suppress(OSError):
            stale.unlink()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def record(entry: dict, path: Path | None = None) -> str:
    """Append one attempt; returns its id once it is on disk. Raises :class:`ProgressError`."""
    path = path if path is not None else progress_path()
    entry = dict(entry)
    entry.setdefault("id", secrets.token_hex(16))
    entry.setdefault("time", datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    entry.setdefault("session", SESSION)
    if path is None:
        return entry["id"]
    try:
        with locked(path):
            doc = _read(path)
            doc["attempts"].append(entry)
            _write(path, doc)
    except OSError as e:
        raise ProgressError(f"progress not saved to {path}: {e.strerror or e}") from None
    return entry["id"]


def load(path: Path | None = None) -> dict:
    """The whole progress document (read under the lock, so never a half-written state)."""
    path = path or progress_path()
    if path is None or not path.exists():
        return _empty()
    with locked(path):
        return _read(path)


def reset(path: Path | None = None, *, exercise: str | None = None, notebook: str | None = None) -> int:
    """Remove attempts (all, or one exercise's, or one notebook's); the old file is kept as
    ``progress.json.bak``. Returns how many attempts were removed."""
    path = path or progress_path()
    if path is None or not path.exists():
        return 0
    with locked(path):
        doc = _read(path)
        keep = [a for a in doc["attempts"]
                if (exercise and a.get("exercise") != exercise) or (notebook and a.get("notebook") != notebook)]
        removed = len(doc["attempts"]) - len(keep)
        backup = dict(doc)
        _write(path.with_name(path.name + ".bak"), backup)
        doc = dict(doc, attempts=keep)
        _write(path, doc)
    return removed


def to_csv(doc: dict) -> str:
    """Every attempt as CSV rows (one header line, then one line per attempt)."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=FIELDS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for a in doc.get("attempts", []):
        w.writerow({**{k: "" for k in FIELDS}, **{k: ("" if v is None else v) for k, v in a.items()},
                    "user": doc.get("user", "")})
    return out.getvalue()


def from_csv(text: str) -> dict:
    """Read back what :func:`to_csv` wrote (for the instructor's room summary)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    user = rows[0].get("user", "") if rows else ""
    attempts = []
    for r in rows:
        a = {k: (v if v != "" else None) for k, v in r.items() if k != "user"}
        if a.get("attempt") is not None:
            try:
                a["attempt"] = int(a["attempt"])
            except ValueError:
                a["attempt"] = None
        attempts.append(a)
    return {"format": FORMAT, "user": user, "attempts": attempts}
