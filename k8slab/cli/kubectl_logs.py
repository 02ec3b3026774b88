"""What ``kubectl logs`` shows: the lines a container's program wrote, deterministic.

The simulated programs do not run, so their logs are what the real images print when they
start (nginx's entrypoint and notices, agnhost's server line), stamped with the container's
start time on the virtual clock, followed by any lines the simulator recorded for the
container (``Container.log``, e.g. nginx access-log lines, when a component writes them).
Errors are the apiserver's/kubelet's: ``pod web does not have a host assigned``,
``container "web" in pod "web" is waiting to start: ContainerCreating``,
``previous terminated container "web" in pod "web" not found``.
"""

from __future__ import annotations

from datetime import datetime, timezone

from k8slab.api.meta import EPOCH


def _wall(seconds: float) -> datetime:
    return datetime.fromtimestamp(EPOCH.timestamp() + seconds, tz=timezone.utc)


def _started_at(pod: dict, name: str, fallback: float) -> float:
    from .duration import parse_rfc3339

    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        if cs.get("name") == name:
            running = (cs.get("state") or {}).get("running") or {}
            if running.get("startedAt"):
                try:
                    return parse_rfc3339(running["startedAt"]) - EPOCH.timestamp()
                except ValueError:
                    return fallback
    return fallback


def _startup_lines(image: str, app, t: datetime) -> list[str]:
    """The lines an image prints as it starts (facts about the images, written out here)."""
    name = image.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0]
    stamp = t.strftime("%Y/%m/%d %H:%M:%S")
    if name in ("nginx", "nginx-unprivileged"):
        version = (getattr(app, "server", "") or "nginx/1.27.5").split("/", 1)[-1]
        return [
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
            "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
            "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
            f'{stamp} [notice] 1#1: using the "epoll" event method',
            f"{stamp} [notice] 1#1: nginx/{version}",
            f"{stamp} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) ",
            f"{stamp} [notice] 1#1: OS: Linux 6.8.0-1021-azure",
            f"{stamp} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
            f"{stamp} [notice] 1#1: start worker processes",
            f"{stamp} [notice] 1#1: start worker process 29",
        ]
    if name == "agnhost" and app is not None:
        ports = [p for proto, p in getattr(app, "listens", []) if proto == "tcp"]
        if "netexec" in app.command and ports:
            return [f"I{t.strftime('%m%d %H:%M:%S')}.000000       1 log.go:245] Started HTTP server on port "
                    f"{ports[0]}"]
        if "serve-hostname" in app.command and ports:
            return [f"I{t.strftime('%m%d %H:%M:%S')}.000000       1 log.go:245] Serving on port {ports[0]}."]
    if name == "http-echo" and app is not None:
        ports = [p for proto, p in getattr(app, "listens", []) if proto == "tcp"]
        if ports:
            return [f"{t.strftime('%Y/%m/%d %H:%M:%S')} [INFO] server is listening on :{ports[0]}"]
    return []


def container_log(cluster, pod: dict, name: str, *, previous: bool = False,
                  timestamps: bool = False) -> tuple[list[str], str]:
    """(lines, problem): the log of container ``name``, or the apiserver's BadRequest message."""
    meta, spec = pod["metadata"], pod.get("spec") or {}
    pod_name = meta["name"]
    if not spec.get("nodeName"):
        return [], f"pod {pod_name} does not have a host assigned"
    status = next((cs for cs in (pod.get("status") or {}).get("containerStatuses") or [] if cs.get("name") == name),
                  None)
    sandbox = None
    try:
        sandbox = cluster.sandbox(pod_name, meta.get("namespace", "default"))
    except Exception:  # noqa: BLE001 - a pod the cluster has no kubelet for
        sandbox = None
    ctr = sandbox.containers.get(name) if sandbox is not None else None
    if previous:
        if ctr is None or not ctr.restarts:
            return [], f'previous terminated container "{name}" in pod "{pod_name}" not found'
    if ctr is None or not getattr(ctr, "running", False):
        state = (status or {}).get("state") or {}
        if "terminated" in state:
            return [], f'container "{name}" in pod "{pod_name}" is terminated'
        reason = (state.get("waiting") or {}).get("reason") or "ContainerCreating"
        return [], f'container "{name}" in pod "{pod_name}" is waiting to start: {reason}'
    started = _started_at(pod, name, getattr(ctr, "started_at", 0.0) or 0.0)
    t = _wall(started)
    image = next((c.get("image", "") for c in spec.get("containers") or [] if c.get("name") == name), "")
    lines = _startup_lines(image, getattr(ctr, "app", None), t)
    lines += list(getattr(ctr, "log", None) or getattr(getattr(ctr, "app", None), "log", None) or [])
    if timestamps:
        stamp = t.strftime("%Y-%m-%dT%H:%M:%S.000000000Z")
        lines = [f"{stamp} {line}" for line in lines]
    return lines, ""
