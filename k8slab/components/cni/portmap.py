"""portmap: hostPort mappings. With no ``portMappings`` in its runtime config it changes
nothing and passes the previous result on, as the real plugin does."""

from __future__ import annotations

from k8slab.components.cni.runtime import Host

# ADD returns the prevResult as it is and changes nothing, whatever the config (see
# add_network_list, which then need not run it in a chain); not so once it maps ports.
PASSES_PREV_RESULT = True


def add(host: Host, env: dict, conf: dict) -> dict:
    return conf.get("prevResult", {})


def check(host: Host, env: dict, conf: dict) -> None:
    return None




def delete(host: Host, env: dict, conf: dict) -> None:
    return None
