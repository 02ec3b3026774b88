"""The Deployment controller: a Deployment's template becomes a ReplicaSet, rolled out step by step.

The new ReplicaSet is ``<deployment>-<pod-template-hash>``; the hash is computed as the real
controller does in spirit (FNV-32a over the template, the collision count appended, the decimal
number mapped through ``SafeEncodeString``'s alphabet ``bcdfghjklmnpqrstvwxz2456789``, which is
why real hashes only hold ``4-9bcdf``). The real hash input is Go's spew dump of the PodTemplateSpec,
which cannot be reproduced outside Go, so here it is the template's canonical JSON: the same
template always gives the same name, a changed template a new one, but not the name a real
cluster would print. ``pod-template-hash`` is added to the ReplicaSet's labels, selector and
template. Revisions go in ``deployment.kubernetes.io/revision``; ``desired-replicas`` and
``max-replicas`` annotations on each ReplicaSet.

RollingUpdate follows rolling.go: scale the new ReplicaSet up within ``replicas + maxSurge``,
then old ones down keeping ``replicas - maxUnavailable`` available (unhealthy old replicas
first), percentages resolved as the controller does (surge rounded up, unavailable down, never
both zero); Recreate scales the old ones to zero before the new one comes up. ``kubectl rollout
restart`` is the ``kubectl.kubernetes.io/restartedAt`` template annotation, so it is just a new
template. Old ReplicaSets beyond ``revisionHistoryLimit`` are deleted once the rollout completes.

Status and conditions as sync.go/progress.go compute them: Available (MinimumReplicasAvailable
"Deployment has minimum availability." / MinimumReplicasUnavailable "Deployment does not have
minimum availability."), Progressing (NewReplicaSetCreated 'Created new replica set "X"',
FoundNewReplicaSet, ReplicaSetUpdated 'ReplicaSet "X" is progressing.', NewReplicaSetAvailable
'ReplicaSet "X" has successfully progressed.', ProgressDeadlineExceeded 'ReplicaSet "X" has timed
out progressing.'). Events ``ScalingReplicaSet`` "Scaled up replica set X from 0 to 3" (the
wording since the from/to counts were added) from ``deployment-controller``.

Sources: kubernetes/kubernetes pkg/controller/deployment/{deployment_controller.go, sync.go,
rolling.go, recreate.go, progress.go}, pkg/controller/deployment/util/deployment_util.go,
pkg/controller/controller_utils.go (ComputeHash), apimachinery pkg/util/rand (SafeEncodeString).
"""

from __future__ import annotations

import json
import math

from k8slab.api.errors import APIError
from k8slab.api.labels import from_label_selector
from k8slab.api.meta import ALPHANUMS, clone, parse_rfc3339, rfc3339
from k8slab.components.controller import Controller
from k8slab.components.events import record
from k8slab.components.replicaset import controller_ref, owner_reference

COMPONENT = "deployment-controller"
HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
_SKIP_ANNOTATIONS = {"kubectl.kubernetes.io/last-applied-configuration", REVISION, REVISION_HISTORY,
                     DESIRED_REPLICAS, MAX_REPLICAS, "deployment.kubernetes.io/error-selector-overlapping-with",
                     "deployment.kubernetes.io/selector-updated-at"}


def fnv32a(data: bytes, h: int = 0x811C9DC5) -> int:
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode(text: str) -> str:
    """``rand.SafeEncodeString``: each byte mapped to ``ALPHANUMS[b % 27]`` (no vowels, no 0/1/3)."""
    return "".join(ALPHANUMS[b % len(ALPHANUMS)] for b in text.encode())


def pod_template_hash(template: dict, collision_count: int | None = None) -> str:
    """``controller.ComputeHash`` in spirit (see the module docstring for what differs)."""
    h = fnv32a(json.dumps(template, sort_keys=True, separators=(",", ":")).encode())
    if collision_count is not None:
        h = fnv32a((collision_count & 0xFFFFFFFF).to_bytes(4, "little") + bytes(4), h)
    return safe_encode(str(h))


def resolve(value, total: int, round_up: bool) -> int:
    """``intstr.GetScaledValueFromIntOrPercent``."""
    if isinstance(value, str) and value.endswith("%"):
        try:
            pct = int(value[:-1])
        except ValueError:
            return 0
        scaled = pct * total / 100
        return math.ceil(scaled) if round_up else math.floor(scaled)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def fenceposts(d: dict) -> tuple[int, int]:
    """``ResolveFenceposts``: (maxSurge, maxUnavailable); both zero becomes unavailable 1."""
    spec = d.get("spec") or {}
    strategy = spec.get("strategy") or {}
    if strategy.get("type") == "Recreate":
        return 0, 0
    ru = strategy.get("rollingUpdate") or {}
    replicas = int(spec.get("replicas", 1))
    surge = resolve(ru.get("maxSurge", "25%"), replicas, True)
    unavailable = resolve(ru.get("maxUnavailable", "25%"), replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, min(unavailable, replicas)


def _without_hash(template: dict) -> dict:
    t = clone(template or {})
    labels = (t.get("metadata") or {}).get("labels")
    if labels:
        labels.pop(HASH_LABEL, None)
    return t


def _revision(rs: dict) -> int:
    try:
        return int((rs["metadata"].get("annotations") or {}).get(REVISION, 0))
    except ValueError:
        return 0


def _replicas(rs: dict) -> int:
    return int((rs.get("spec") or {}).get("replicas", 0))


def _st(rs: dict, field: str) -> int:
    return int((rs.get("status") or {}).get(field, 0))


class DeploymentController(Controller):
    """The Deployment controller (``kube-controller-manager``'s ``deployment-controller``)."""

    name = COMPONENT
    resources = ("deployments", "replicasets")

    def __init__(self) -> None:
        super().__init__()
        self.owned: dict[str, dict] = {}     # deployment uid -> {rs name: rs}
        self.rs_owner: dict = {}             # (ns, rs name) -> deployment uid

    def on_event(self, event) -> None:
        obj = event.object
        meta = obj["metadata"]
        ns = meta.get("namespace", "")
        if event.resource.kind == "Deployment":
            self.enqueue((ns, meta["name"]))
            return
        key = (ns, meta["name"])
        old = self.rs_owner.pop(key, None)
        if old is not None:
            self.owned.get(old, {}).pop(meta["name"], None)
        ref = controller_ref(obj)
        if ref is not None and ref.get("kind") == "Deployment":
            if event.type != "DELETED":
                self.rs_owner[key] = ref.get("uid")
                self.owned.setdefault(ref.get("uid"), {})[meta["name"]] = obj
            self.enqueue((ns, ref.get("name")))

    def resync(self, now: float) -> None:
        """Progress deadlines and minReadySeconds depend on time alone."""
        for _uid, rss in self.owned.items():
            for rs in rss.values():
                ref = controller_ref(rs)
                if ref is not None:
                    self.enqueue((rs["metadata"]["namespace"], ref.get("name")))
                break

    # -- reconcile ---------------------------------------------------------------------------------
    def reconcile(self, key) -> None:
        ns, name = key
        d = self.store.try_get("deployments", name, ns)
        if d is None or d["metadata"].get("deletionTimestamp"):
            return
        spec = d.get("spec") or {}
        sel = spec.get("selector")
        if not sel or from_label_selector(sel).empty():
            record(self.store, d, "Warning", "SelectingAll",
                   "This deployment is selecting all pods. A non-empty selector is required.", COMPONENT)
            return
        rss = sorted(self.owned.get(d["metadata"]["uid"], {}).values(),
                     key=lambda r: (r["metadata"].get("creationTimestamp", ""), r["metadata"]["name"]))
        rss = [self.store.try_get("replicasets", r["metadata"]["name"], ns) or r for r in rss]
        template = _without_hash(spec.get("template"))
        new_rs = next((r for r in rss if _without_hash((r.get("spec") or {}).get("template")) == template), None)
        olds = [r for r in rss if r is not new_rs]
        status = clone(d.get("status") or {})
        if spec.get("paused"):
            self._sync_status(d, status, new_rs, rss, paused=True)
            return
        if new_rs is None:
            new_rs = self._create_new_rs(d, olds, status)
            if new_rs is None:
                return
            rss = olds + [new_rs]
        else:
            new_rs = self._sync_revision(d, new_rs, olds, status)
        if (spec.get("strategy") or {}).get("type") == "Recreate":
            self._recreate(d, new_rs, olds)
        elif not self._scale_new(d, new_rs, rss):
            self._scale_old(d, new_rs, olds)
        rss = [self.store.try_get("replicasets", r["metadata"]["name"], ns) or r for r in rss]
        new_rs = next(r for r in rss if r["metadata"]["name"] == new_rs["metadata"]["name"])
        d = self.store.try_get("deployments", name, ns) or d
        self._sync_status(d, status, new_rs, rss)

    def _create_new_rs(self, d: dict, olds: list, status: dict) -> dict | None:
        spec, meta = d["spec"], d["metadata"]
        collision = status.get("collisionCount")
        h = pod_template_hash(spec.get("template") or {}, collision)
        template = clone(spec.get("template") or {})
        template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = h
        selector = clone(spec.get("selector") or {})
        selector.setdefault("matchLabels", {})[HASH_LABEL] = h
        revision = max([_revision(r) for r in olds] + [0]) + 1
        replicas = int(spec.get("replicas", 1))
        surge, _ = fenceposts(d)
        annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in _SKIP_ANNOTATIONS}
        annotations.update({DESIRED_REPLICAS: str(replicas), MAX_REPLICAS: str(replicas + surge),
                            REVISION: str(revision)})
        if (spec.get("strategy") or {}).get("type") == "Recreate":
            count = replicas if not any(_replicas(r) or _st(r, "replicas") for r in olds) else 0
        else:
            count = self._new_replicas(d, olds, 0)
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": f"{meta['name']}-{h}", "namespace": meta["namespace"],
                           "labels": dict(template["metadata"]["labels"]), "annotations": annotations,
                           "ownerReferences": [owner_reference(d)]},
              "spec": {"replicas": count, "minReadySeconds": int(spec.get("minReadySeconds") or 0),
                       "selector": selector, "template": template}}
        try:
            created = self.store.create(rs, meta["namespace"], validate=False, copy=False)
        except APIError as e:
            if getattr(e, "reason", "") == "AlreadyExists":  # hash collision: collisionCount+1, retry
                status["collisionCount"] = int(status.get("collisionCount") or 0) + 1
                self._write_status(d, status)
                return None
            _set_condition(status, "Progressing", "False", "ReplicaSetCreateError",
                           f"Failed to create new replica set \"{rs['metadata']['name']}\": {e}", self.store.clock())
            self._write_status(d, status)
            return None
        self.rs_owner[(meta["namespace"], created["metadata"]["name"])] = meta["uid"]
        self.owned.setdefault(meta["uid"], {})[created["metadata"]["name"]] = created
        if count > 0:
            record(self.store, d, "Normal", "ScalingReplicaSet",
                   f"Scaled up replica set {created['metadata']['name']} from 0 to {count}", COMPONENT)
        self._set_deployment_revision(d, str(revision))
        _set_condition(status, "Progressing", "True", "NewReplicaSetCreated",
                       f'Created new replica set "{created["metadata"]["name"]}"', self.store.clock())
        self._write_status(self.store.try_get("deployments", meta["name"], meta["namespace"]) or d, status)
        return created

    def _sync_revision(self, d: dict, rs: dict, olds: list, status: dict) -> dict:
        """An existing new ReplicaSet (a rollback to an old template, or a plain resync): it gets
        the highest revision, and the Deployment its revision."""
        max_old = max([_revision(r) for r in olds] + [0])
        rev = _revision(rs)
        if rev <= max_old:
            new = clone(rs)
            ann = new["metadata"].setdefault("annotations", {})
            history = [h for h in (ann.get(REVISION_HISTORY) or "").split(",") if h]
            ann[REVISION_HISTORY] = ",".join(history + [str(rev)])
            ann[REVISION] = str(max_old + 1)
            try:
                rs = self.store.update(new, validate=False, copy=False)
            except APIError:
                pass
        self._set_deployment_revision(d, str(_revision(rs)))
        if _get_condition(status, "Progressing") is None and (d["spec"].get("progressDeadlineSeconds") is not None):
            _set_condition(status, "Progressing", "True", "FoundNewReplicaSet",
                           f'Found new replica set "{rs["metadata"]["name"]}"', self.store.clock())
        return rs

    def _set_deployment_revision(self, d: dict, revision: str) -> None:
        cur = self.store.try_get("deployments", d["metadata"]["name"], d["metadata"]["namespace"]) or d
        if (cur["metadata"].get("annotations") or {}).get(REVISION) == revision:
            return
        new = dict(cur)
        new["metadata"] = dict(cur["metadata"])
        new["metadata"]["annotations"] = dict(cur["metadata"].get("annotations") or {}, **{REVISION: revision})
        try:
            self.store.update(new, validate=False, copy=False)
        except APIError:
            pass

    def _new_replicas(self, d: dict, others: list, current_new: int) -> int:
        """``NewRSNewReplicas`` for RollingUpdate."""
        replicas = int(d["spec"].get("replicas", 1))
        surge, _ = fenceposts(d)
        current = sum(_replicas(r) for r in others) + current_new
        max_total = replicas + surge
        if current >= max_total:
            return current_new
        return current_new + min(max_total - current, max(replicas - current_new, 0))

    def _scale(self, d: dict, rs: dict, count: int) -> dict:
        """``scaleReplicaSet``: replicas and the desired/max annotations; the ScalingReplicaSet event."""
        spec_replicas = int(d["spec"].get("replicas", 1))
        surge, _ = fenceposts(d)
        old = _replicas(rs)
        ann = dict(rs["metadata"].get("annotations") or {})
        want = {DESIRED_REPLICAS: str(spec_replicas), MAX_REPLICAS: str(spec_replicas + surge)}
        if old == count and all(ann.get(k) == v for k, v in want.items()):
            return rs
        new = dict(rs)
        new["metadata"] = dict(rs["metadata"], annotations=dict(ann, **want))
        new["spec"] = dict(rs.get("spec") or {}, replicas=count)
        try:
            rs = self.store.update(new, validate=False, copy=False)
        except APIError:
            return rs
        self.owned.setdefault(d["metadata"]["uid"], {})[rs["metadata"]["name"]] = rs
        if old != count:
            verb = "up" if count > old else "down"
            record(self.store, d, "Normal", "ScalingReplicaSet",
                   f"Scaled {verb} replica set {rs['metadata']['name']} from {old} to {count}", COMPONENT)
        return rs

    def _scale_new(self, d: dict, new_rs: dict, rss: list) -> bool:
        """``reconcileNewReplicaSet``; True when it scaled."""
        replicas = int(d["spec"].get("replicas", 1))
        cur = _replicas(new_rs)
        if cur == replicas:
            return False
        if cur > replicas:
            self._scale(d, new_rs, replicas)
            return True
        others = [r for r in rss if r["metadata"]["name"] != new_rs["metadata"]["name"]]
        count = self._new_replicas(d, others, cur)
        if count == cur:
            return False
        self._scale(d, new_rs, count)
        return True

    def _scale_old(self, d: dict, new_rs: dict, olds: list) -> bool:
        """``reconcileOldReplicaSets``: unhealthy old replicas first, then down to minAvailable."""
        olds = [r for r in olds if _replicas(r) > 0]
        if not olds:
            return False
        replicas = int(d["spec"].get("replicas", 1))
        _, unavailable = fenceposts(d)
        min_available = replicas - unavailable
        all_pods = sum(_replicas(r) for r in olds) + _replicas(new_rs)
        new_unavailable = _replicas(new_rs) - _st(new_rs, "availableReplicas")
        max_down = all_pods - min_available - new_unavailable
        if max_down <= 0:
            return False
        scaled, cleaned = False, 0
        for i, rs in enumerate(olds):
            if cleaned >= max_down:
                break
            unhealthy = _replicas(rs) - _st(rs, "availableReplicas")
            if unhealthy <= 0:
                continue
            down = min(max_down - cleaned, unhealthy)
            olds[i] = self._scale(d, rs, _replicas(rs) - down)
            cleaned += down
            scaled = True
        available = sum(_st(r, "availableReplicas") for r in olds) + _st(new_rs, "availableReplicas")
        if available > min_available:
            total, done = available - min_available, 0
            for rs in olds:
                if done >= total:
                    break
                if _replicas(rs) == 0:
                    continue
                down = min(_replicas(rs), total - done)
                self._scale(d, rs, _replicas(rs) - down)
                done += down
                scaled = True
        return scaled

    def _recreate(self, d: dict, new_rs: dict, olds: list) -> None:
        """recreate.go: old ReplicaSets to zero; the new one up once no old pod is left."""
        active = [r for r in olds if _replicas(r) > 0]
        for rs in active:
            self._scale(d, rs, 0)
        if active or any(_st(r, "replicas") for r in olds):
            return
        self._scale(d, new_rs, int(d["spec"].get("replicas", 1)))

    # -- status --------------------------------------------------------------------------------------
    def _sync_status(self, d: dict, status: dict, new_rs: dict | None, rss: list, paused: bool = False) -> None:
        spec = d["spec"]
        replicas = int(spec.get("replicas", 1))
        _, unavailable = fenceposts(d)
        now = self.store.clock()
        available = sum(_st(r, "availableReplicas") for r in rss)
        total = sum(_replicas(r) for r in rss)
        old_status = d.get("status") or {}
        new: dict = {}
        fields = (("observedGeneration", d["metadata"].get("generation", 0)),
                  ("replicas", sum(_st(r, "replicas") for r in rss)),
                  ("updatedReplicas", _st(new_rs, "replicas") if new_rs else 0),
                  ("readyReplicas", sum(_st(r, "readyReplicas") for r in rss)),
                  ("availableReplicas", available),
                  ("unavailableReplicas", max(total - available, 0)),
                  ("collisionCount", status.get("collisionCount", 0)))
        for k, v in fields:
            if v:
                new[k] = v
        new["conditions"] = [dict(c) for c in status.get("conditions") or []]
        if available >= replicas - unavailable:
            _set_condition(new, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.",
                           now)
        else:
            _set_condition(new, "Available", "False", "MinimumReplicasUnavailable",
                           "Deployment does not have minimum availability.", now)
        deadline = spec.get("progressDeadlineSeconds")
        cur = _get_condition(new, "Progressing")
        rs_name = new_rs["metadata"]["name"] if new_rs else None
        complete = new.get("replicas", 0) == new.get("updatedReplicas", 0) and cur is not None and \
            cur.get("reason") == "NewReplicaSetAvailable"
        if paused:
            if cur is None or cur.get("reason") != "DeploymentPaused":
                _set_condition(new, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now)
        elif deadline is not None and not complete:
            if (new.get("updatedReplicas", 0) == replicas and new.get("replicas", 0) == replicas
                    and available == replicas):
                msg = f'ReplicaSet "{rs_name}" has successfully progressed.' if rs_name else \
                    f'Deployment "{d["metadata"]["name"]}" has successfully progressed.'
                _set_condition(new, "Progressing", "True", "NewReplicaSetAvailable", msg, now)
            elif _progressing(old_status, new):
                msg = f'ReplicaSet "{rs_name}" is progressing.' if rs_name else \
                    f'Deployment "{d["metadata"]["name"]}" is progressing.'
                cond = {"lastTransitionTime": rfc3339(now), "lastUpdateTime": rfc3339(now), "message": msg,
                        "reason": "ReplicaSetUpdated", "status": "True", "type": "Progressing"}
                if cur is not None:
                    if cur.get("status") == "True":
                        cond["lastTransitionTime"] = cur["lastTransitionTime"]
                    new["conditions"] = [c for c in new["conditions"] if c["type"] != "Progressing"]
                new["conditions"].append(cond)
            elif cur is not None and cur.get("reason") != "ProgressDeadlineExceeded" and \
                    parse_rfc3339(cur["lastUpdateTime"]) + int(deadline) < now:
                msg = f'ReplicaSet "{rs_name}" has timed out progressing.' if rs_name else \
                    f'Deployment "{d["metadata"]["name"]}" has timed out progressing.'
                _set_condition(new, "Progressing", "False", "ProgressDeadlineExceeded", msg, now)
        elif deadline is None:
            new["conditions"] = [c for c in new["conditions"] if c["type"] != "Progressing"]
        if new == old_status:
            return
        self._write_status(d, new)
        if new.get("availableReplicas", 0) == replicas and new.get("updatedReplicas", 0) == replicas and \
                new.get("replicas", 0) == replicas:
            self._cleanup(d, rss, new_rs)

    def _write_status(self, d: dict, status: dict) -> None:
        new = dict(d)
        new["status"] = status
        try:
            self.store.update(new, d["metadata"]["namespace"], subresource="status", copy=False)
        except APIError:
            pass

    def _cleanup(self, d: dict, rss: list, new_rs: dict | None) -> None:
        """``cleanupDeployment``: old, empty ReplicaSets beyond revisionHistoryLimit go, oldest revision first."""
        limit = d["spec"].get("revisionHistoryLimit")
        if limit is None:
            return
        cleanable = [r for r in rss if r is not new_rs and (new_rs is None or
                     r["metadata"]["name"] != new_rs["metadata"]["name"])
                     and _replicas(r) == 0 and _st(r, "replicas") == 0 and not r["metadata"].get("deletionTimestamp")]
        extra = len(cleanable) - int(limit)
        if extra <= 0:
            return
        for rs in sorted(cleanable, key=lambda r: (_revision(r), r["metadata"].get("creationTimestamp", "")))[:extra]:
            try:
                self.store.delete("replicasets", rs["metadata"]["name"], rs["metadata"]["namespace"])
            except APIError:
                pass


def _get_condition(status: dict, type_: str) -> dict | None:
    return next((c for c in status.get("conditions") or [] if c.get("type") == type_), None)


def _set_condition(status: dict, type_: str, cond_status: str, reason: str, message: str, now: float) -> None:
    """``SetDeploymentCondition``: unchanged status and reason leave it alone; a new one goes last,
    keeping lastTransitionTime when only the reason changed."""
    cur = _get_condition(status, type_)
    if cur is not None and cur.get("status") == cond_status and cur.get("reason") == reason:
        return
    ts = rfc3339(now)
    cond = {"lastTransitionTime": ts, "lastUpdateTime": ts, "message": message, "reason": reason,
            "status": cond_status, "type": type_}
    if cur is not None and cur.get("status") == cond_status:
        cond["lastTransitionTime"] = cur["lastTransitionTime"]
    status["conditions"] = [c for c in status.get("conditions") or [] if c.get("type") != type_] + [cond]


def _progressing(old: dict, new: dict) -> bool:
    """``DeploymentProgressing``: more updated, fewer old, more ready or more available replicas."""
    old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
    new_old = new.get("replicas", 0) - new.get("updatedReplicas", 0)
    return (new.get("updatedReplicas", 0) > old.get("updatedReplicas", 0) or new_old < old_old
            or new.get("readyReplicas", 0) > old.get("readyReplicas", 0)
            or new.get("availableReplicas", 0) > old.get("availableReplicas", 0))
