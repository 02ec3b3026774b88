"""uids and generated names are drawn faster than uuid.UUID and random.choice, and must stay the
very same values for a seed (notebook outputs show them)."""

import random
import uuid

from k8slab.api.meta import ALPHANUMS, generate_name, new_uid


def test_uids_are_what_uuid4_from_the_same_bits_gives():
    for seed in range(200):
        a, b = random.Random(seed), random.Random(seed)
        for _ in range(20):
            assert new_uid(a) == str(uuid.UUID(int=b.getrandbits(128), version=4))


def test_generated_names_draw_as_random_choice_does():
    for seed in range(200):
        a, b = random.Random(seed), random.Random(seed)
        for _ in range(10):
            assert generate_name(a, "web-7d4b9c6f8-") == "web-7d4b9c6f8-" + "".join(b.choice(ALPHANUMS) for _ in range(5))
        assert a.random() == b.random()          # and leave the generator where choice leaves it


def test_a_random_subclass_still_goes_through_choice():
    class Loaded(random.Random):
        def choice(self, seq):
            return seq[0]

    assert generate_name(Loaded(1), "x-") == "x-bbbbb"
