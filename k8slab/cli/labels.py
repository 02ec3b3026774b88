"""Labels and label selectors as kubectl writes them in table cells.

From apimachinery: ``labels.FormatLabels`` (``a=b,c=d``, the pair strings sorted, ``<none>`` when empty),
``LabelSelectorAsSelector(...).String()`` (requirements sorted by key: ``app=web``,
``tier in (a,b)``, ``tier notin (a)``, ``tier``, ``!tier``) and ``metav1.FormatLabelSelector``
(the same, ``<none>`` when it selects everything or nothing, ``<error>`` when invalid).

>>> format_label_selector({"matchLabels": {"app": "web"}})
'app=web'
>>> format_label_selector({})
'<none>'
"""

from __future__ import annotations


class InvalidSelector(ValueError):
    """A selector the apiserver would not have accepted (unknown operator, bad values)."""


def format_labels(labels: dict | None) -> str:
    """``labels.FormatLabels``: the ``k=v`` strings sorted (as strings), joined by ``,``; ``<none>`` if empty."""
    if not labels:
        return "<none>"
    return ",".join(sorted(f"{k}={v}" for k, v in labels.items()))


def selector_string(selector: dict | None) -> str:
    """``LabelSelectorAsSelector(sel).String()``; raises InvalidSelector like the Go code errors."""
    if not selector:
        return ""
    reqs: list[tuple[str, str]] = []
    for k, v in (selector.get("matchLabels") or {}).items():
        reqs.append((k, f"{k}={v}"))
    for expr in selector.get("matchExpressions") or []:
        key = expr.get("key", "")
        op = expr.get("operator", "")
        values = list(expr.get("values") or [])
        if op == "In":
            if not values:
                raise InvalidSelector("for 'in', 'notin' operators, values set can't be empty")
            reqs.append((key, f"{key} in ({','.join(sorted(values))})"))
        elif op == "NotIn":
            if not values:
                raise InvalidSelector("for 'in', 'notin' operators, values set can't be empty")
            reqs.append((key, f"{key} notin ({','.join(sorted(values))})"))
        elif op == "Exists":
            reqs.append((key, key))
        elif op == "DoesNotExist":
            reqs.append((key, f"!{key}"))
        else:
            raise InvalidSelector(f"{op!r} is not a valid label selector operator")
    reqs.sort(key=lambda r: r[0])
    return ",".join(r[1] for r in reqs)


def format_label_selector(selector: dict | None) -> str:
    """``metav1.FormatLabelSelector``: the selector string, ``<none>`` if empty, ``<error>`` if invalid."""
    try:
        s = selector_string(selector)
    except InvalidSelector:
        return "<error>"
    return s or "<none>"
