"""uuid_text formats as uuid.UUID does, over the whole 128-bit range."""

import random
import uuid

from k8slab.api.meta import new_uid, uuid_text


def test_uuid_text_is_str_of_uuid():
    rng = random.Random(7)
    values = [0, 1, 2**32 - 1, 2**64, 2**127, 2**128 - 1] + [rng.getrandbits(128) for _ in range(2000)] + \
        [rng.getrandbits(k) for k in range(1, 129)]
    for n in values:
        assert uuid_text(n) == str(uuid.UUID(int=n)), n


def test_new_uid_is_a_version_4_uuid_from_one_draw():
    a, b = random.Random(3), random.Random(3)
    for _ in range(500):
        assert new_uid(a) == str(uuid.UUID(int=b.getrandbits(128), version=4))
    assert a.getrandbits(32) == b.getrandbits(32)   # the same number of draws
