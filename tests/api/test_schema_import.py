"""The first structural check imports jsonschema without its format-checker packages (they cost a
learner's first apply their import time, for checks never made), and leaves them importable."""

import subprocess
import sys

SCRIPT = """
import importlib.util, json, sys
from k8slab.api import schema
from k8slab.api.store import Store
from k8slab.api.errors import StatusError
store = Store(clock=lambda: 0)
try:
    store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                  "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": "x"}]}]}})
    message = None
except StatusError as e:
    message = str(e)
loaded = [m for m in schema._FORMAT_PACKAGES if m in sys.modules]
blocked = [m for m in schema._FORMAT_PACKAGES if m in sys.modules and sys.modules[m] is None]
print(json.dumps({"jsonschema": "jsonschema" in sys.modules, "loaded": loaded, "blocked": blocked,
                  "message": message}))
"""


def test_first_check_skips_format_packages_and_still_validates():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    got = __import__("json").loads(out.stdout)
    assert got["jsonschema"]
    assert got["loaded"] == [] and got["blocked"] == []   # none imported, none left blocked
    # the structural check itself ran: a string where the schema wants an integer
    assert got["message"] is not None and "containerPort" in got["message"]
