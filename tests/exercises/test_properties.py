"""Property tests: random answers never crash check() and never print the expected value."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from k8slab.exercises import catalogue, check, reset_session, vault
from k8slab.exercises.normalise import NormaliseError, normalise

ANSWERED = [ex for ex in catalogue.exercises() if ex.kind != "task" and not ex.pending]
IDS = [ex.id for ex in ANSWERED]

ip_like = st.builds(lambda a, b, c, d, p: f"{a}.{b}.{c}.{d}" + (f"/{p}" if p is not None else ""),
                    st.integers(0, 300), st.integers(0, 255), st.integers(0, 255), st.integers(0, 255),
                    st.one_of(st.none(), st.integers(0, 40)))
scalars = st.one_of(st.text(max_size=60), ip_like, st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.booleans(), st.none(), st.binary(max_size=20), st.sampled_from(["a", "B", "(c)", "true", "3"]))
answers = st.one_of(scalars, st.lists(scalars, max_size=4), st.tuples(scalars, scalars),
                    st.dictionaries(st.text(max_size=5), scalars, max_size=2), st.just(object()))


def _expected(ex) -> list[str]:
    """The plain expected answer in the forms it could be printed in."""
    doc = vault.reveal(ex.id, ex.solution)
    plain = str(doc["answer"])
    forms = {plain}
    if ex.options:
        letters = re.findall(r"[a-z]", normalise(ex.normaliser, plain, options=ex.options))
        forms = {ex.options["abcdefghijklmnopqrstuvwxyz".index(letter)] for letter in letters}
    return sorted(forms)


def _is_correct(ex, answer) -> bool:
    try:
        norm = normalise(ex.normaliser, answer, options=ex.options)
    except NormaliseError:
        return False
    return any(vault.matches(ex.salt, norm, h) for h in ex.answers)


def _shows(text: str, secret: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(secret)}(?![\w]|\.\d)", text) is not None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(IDS), st.lists(answers, min_size=1, max_size=2))
def test_random_answers_never_crash_nor_reveal(exercise_id, tries):
    reset_session()
    ex = catalogue.by_id()[exercise_id]
    for answer in tries:
        assume(not _is_correct(ex, answer))
        res = check(exercise_id, answer)
        assert res.status in ("incorrect", "misconception", "invalid", "missing"), str(res)
        # What the result says (the headline and labels are chrome: "failed attempts: 1", "Hint 2"),
        # in text and in HTML. Quiz options are shown by design, so only plain-value answers apply.
        text = "\n".join(s.text for s in res.sections) + res.note
        html = res._repr_html_()
        for chrome in (res.headline, *(s.label for s in res.sections)):
            assert all(not _shows(chrome, s) for s in _expected(ex) if len(s) > 1), chrome
        if not ex.options:
            for secret in _expected(ex):
                assume(secret not in repr(answer))
                assert not _shows(text, secret), (exercise_id, answer, text)
                assert not _shows(html.replace(res.headline, ""), secret) or len(secret) == 1, (exercise_id, html)
        assert "Traceback" not in str(res) and not res.solution_shown


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=80), st.integers(), st.none(), st.lists(st.text(max_size=5), max_size=3)), answers)
def test_random_ids_never_crash(exercise_id, answer):
    res = check(exercise_id, answer)
    assert res.status in ("unknown", "incorrect", "misconception", "invalid", "correct", "missing", "pending")
    str(res), res._repr_html_()
