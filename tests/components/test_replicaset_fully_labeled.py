"""fully_labeled: the set comparison fast path gives what the walk over the template labels gives."""

import itertools

from k8slab.components.replicaset import fully_labeled

LABELS = [{}, {"app": "web"}, {"app": "web", "tier": "fe"}, {"app": "db"}, {"app": None}, {"tier": "fe"},
          {"app": ["x"]}, {"app": "web", "x": {"y": 1}}]


def test_fully_labeled_as_the_walk():
    for labels, tlabels in itertools.product(LABELS, LABELS):
        assert fully_labeled(labels, tlabels) == all(labels.get(k) == v for k, v in tlabels.items()), \
            (labels, tlabels)
