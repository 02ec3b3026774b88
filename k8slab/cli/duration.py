"""Ages as kubectl prints them (apimachinery ``pkg/util/duration``), on the virtual clock.

Times are RFC3339 strings in objects (``2025-01-12T10:00:00Z``); ``now`` may be a
``datetime`` (naive means UTC), an RFC3339 string, or Unix seconds (int/float).

>>> human_duration(3 * 3600 + 25 * 60)
'3h25m'
>>> age("2025-01-12T10:00:00Z", "2025-01-12T10:04:30Z")
'4m30s'
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

Now = datetime | str | int | float

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def to_seconds(t: Now) -> float:
    """Unix seconds for a datetime, an RFC3339 string or a number (kept as is)."""
    if isinstance(t, bool):
        raise TypeError("a time cannot be a bool")
    if isinstance(t, (int, float)):
        return float(t)
    if isinstance(t, str):
        return parse_rfc3339(t)
    if isinstance(t, datetime):
        if t.tzinfo is None:
            t = t.replace(tzinfo=timezone.utc)
        return t.timestamp()
    raise TypeError(f"not a time: {t!r}")


def parse_rfc3339(s: str) -> float:
    """Unix seconds of an RFC3339 timestamp such as ``2025-01-12T10:00:00Z``."""
    m = _RFC3339.match(s)
    if not m:
        raise ValueError(f"not an RFC3339 time: {s!r}")
    year, month, day, hh, mm, ss = (int(g) for g in m.groups()[:6])
    frac = float(m.group(7)) if m.group(7) else 0.0
    tz = m.group(8)
    dt = datetime(year, month, day, hh, mm, ss, tzinfo=timezone.utc)
    offset = 0
    if tz not in ("Z", "z"):
        sign = 1 if tz[0] == "+" else -1
        offset = sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)
    return dt.timestamp() + frac - offset


def human_duration(seconds: float) -> str:
    """``duration.HumanDuration``: about two significant figures (``5m3s``, ``3h25m``, ``45d``)."""
    secs = int(seconds)  # Go: int(d.Seconds()) truncates toward zero
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 60 * 2:
        return f"{secs}s"
    minutes = secs // 60
    if minutes < 10:
        s = secs % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = secs // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def short_human_duration(seconds: float) -> str:
    """``duration.ShortHumanDuration``: one unit only (``45s``, ``5m``, ``3h``, ``12d``, ``2y``)."""
    secs = int(seconds)
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 60:
        return f"{secs}s"
    if secs // 60 < 60:
        return f"{secs // 60}m"
    hours = secs // 3600
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{int(seconds / 3600 / 24 / 365)}y"


def age(timestamp: str | None, now: Now) -> str:
    """``translateTimestampSince``: the AGE cell; ``<unknown>`` when the timestamp is unset."""
    if not timestamp:
        return "<unknown>"
    return human_duration(to_seconds(now) - parse_rfc3339(timestamp))
