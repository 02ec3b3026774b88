"""The live widget behind every view: an anywidget that shows an SVG drawn in Python and adds
the interaction in the browser (click a pod or node for its details; step, back and play
through a trace). Every step is computed in Python up front and shipped once, so stepping is a
browser-side class change: no kernel round trip, fast even while the kernel is busy.

Views (:mod:`k8slab.notebook.views`) return a mime bundle with this widget *and* a static SVG
plus text: JupyterLab, Notebook 7 and VS Code show the widget; nbval, GitHub and rendered
books show the static picture.
"""

from __future__ import annotations

ESM = r"""
function h(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render({ model, el }) {
  const root = h("div", "k8slab-view");
  el.appendChild(root);
  const kind = model.get("kind");
  const title = h("div", "k8s-title", model.get("title"));
  root.appendChild(title);
  let toolbar = null;
  if (kind === "player") {
    toolbar = h("div", "k8s-toolbar");
    root.appendChild(toolbar);
  }
  const body = h("div", "k8s-body " + kind);
  root.appendChild(body);
  const pic = h("div", "k8s-picture");
  body.appendChild(pic);
  const side = h("div", "k8s-side");
  body.appendChild(side);
  const panel = h("div", "k8s-panel");
  if (kind === "player") {
    // the picture on its own row, full width; the events and the hop's details side by side below
    const lower = h("div", "k8s-lower");
    root.appendChild(lower);
    lower.appendChild(side);
    lower.appendChild(panel);
  } else {
    root.appendChild(panel);
  }

  function drawSvg() {
    pic.innerHTML = model.get("svg");
    for (const g of pic.querySelectorAll("g[data-id]")) {
      const id = g.getAttribute("data-id");
      if (model.get("details")[id] !== undefined) {
        g.style.cursor = "pointer";
        g.addEventListener("click", (ev) => { ev.stopPropagation(); select(id); });
      }
    }
  }

  // -- details (topology) -------------------------------------------------------------------------
  const details = h("pre", "k8s-details");
  function select(id) {
    for (const g of pic.querySelectorAll("g.sel")) g.classList.remove("sel");
    const g = pic.querySelector(`g[data-id="${CSS.escape(id)}"]`);
    if (g) g.classList.add("sel");
    const text = model.get("details")[id];
    details.textContent = text === undefined ? model.get("hint") : text;
    details.setAttribute("data-selected", id);
    if (model.get("selected") !== id) { model.set("selected", id); model.save_changes(); }
  }

  if (kind === "topology") {
    side.appendChild(h("div", "k8s-side-title", "Details"));
    details.textContent = model.get("hint");
    side.appendChild(details);
    if (model.get("options").pause !== undefined) {
      const lab = h("label", "k8s-option");
      const box = h("input");
      box.type = "checkbox";
      box.checked = model.get("options").pause;
      box.addEventListener("change", () => {
        model.set("options", { ...model.get("options"), pause: box.checked });
        model.save_changes();
      });
      lab.appendChild(box);
      lab.appendChild(document.createTextNode(" show the pause container"));
      title.appendChild(lab);
    }
    drawSvg();
    if (model.get("selected")) select(model.get("selected"));
    model.on("change:svg", () => { drawSvg(); if (model.get("selected")) select(model.get("selected")); });
    return;
  }

  if (kind !== "player") { drawSvg(); return; }

  // -- the packet player ------------------------------------------------------------------------
  const steps = model.get("steps");
  const anchors = model.get("anchors");
  const mk = (label, cls, tip) => {
    const b = h("button", "k8s-btn " + cls, label);
    b.title = tip;
    toolbar.appendChild(b);
    return b;
  };
  const first = mk("⇤ Start", "k8s-first", "back to the first hop");
  const back = mk("◀ Back", "k8s-back", "one hop back");
  const step = mk("Step ▶", "k8s-step", "one hop forward");
  const play = mk("▶ Play", "k8s-play", "play the walk");
  const counter = h("span", "k8s-counter");
  toolbar.appendChild(counter);
  const verdict = h("span", "k8s-verdict", model.get("verdict"));
  toolbar.appendChild(verdict);

  side.appendChild(h("div", "k8s-side-title", "Events"));
  const list = h("ol", "k8s-events");
  side.appendChild(list);
  steps.forEach((s, i) => {
    if (s.first_reply) list.appendChild(h("li", "k8s-sep", "— the answer walks back —"));
    const li = h("li", "k8s-event" + (s.reply ? " reply" : ""));
    li.setAttribute("data-step", String(i));
    li.appendChild(h("span", "k8s-num", String(i + 1)));
    li.appendChild(h("span", "k8s-where", s.where));
    li.appendChild(h("span", "k8s-stage " + s.stage, s.stage));
    li.appendChild(h("span", "k8s-what", s.short));
    li.addEventListener("click", () => go(i));
    list.appendChild(li);
  });

  drawSvg();
  const svg = pic.querySelector("svg");
  const NS = "http://www.w3.org/2000/svg";
  const trail = document.createElementNS(NS, "g");
  trail.setAttribute("class", "trail");
  svg.appendChild(trail);
  const dot = document.createElementNS(NS, "circle");
  dot.setAttribute("r", "9");
  dot.setAttribute("class", "k8s-packet");
  svg.appendChild(dot);

  let cur = -1;
  let timer = null;
  function go(i) {
    i = Math.max(0, Math.min(steps.length - 1, i));
    cur = i;
    const s = steps[i];
    counter.textContent = `hop ${i + 1} / ${steps.length}`;
    for (const g of pic.querySelectorAll("g.here, g.hl")) g.classList.remove("here", "hl");
    // the trail so far: request in orange, reply in teal
    while (trail.firstChild) trail.removeChild(trail.firstChild);
    for (const reply of [false, true]) {
      const pts = [];
      for (let j = 0; j <= i; j++) {
        const a = steps[j].box && anchors[steps[j].box];
        if (!a || steps[j].reply !== reply) continue;
        const g = pic.querySelector(`g[data-id="${CSS.escape(steps[j].box)}"]`);
        if (g) g.classList.add("hl");
        const p = reply ? [a[0] + 5, a[1] + 5] : a;
        const last = pts[pts.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) pts.push(p);
      }
      if (pts.length > 1) {
        const pl = document.createElementNS(NS, "polyline");
        pl.setAttribute("class", reply ? "path reply" : "path");
        pl.setAttribute("points", pts.map((p) => p.join(",")).join(" "));
        trail.appendChild(pl);
      }
    }
    if (s.box && anchors[s.box]) {
      const g = pic.querySelector(`g[data-id="${CSS.escape(s.box)}"]`);
      if (g) g.classList.add("here");
      dot.setAttribute("cx", anchors[s.box][0]);
      dot.setAttribute("cy", anchors[s.box][1]);
      dot.setAttribute("class", "k8s-packet" + (s.reply ? " reply" : "") + (s.stage === "drop" ? " drop" : ""));
      dot.style.display = "";
    } else {
      dot.style.display = "none";
    }
    for (const li of list.querySelectorAll("li.current")) li.classList.remove("current");
    const li = list.querySelector(`li[data-step="${i}"]`);
    if (li) {
      li.classList.add("current");
      const top = li.offsetTop - list.offsetTop;
      if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - li.offsetHeight) {
        list.scrollTop = Math.max(0, top - list.clientHeight / 3);
      }
    }
    panel.innerHTML = s.html;
    panel.setAttribute("data-step", String(i));
    back.disabled = i === 0;
    first.disabled = i === 0;
    step.disabled = i === steps.length - 1;
    if (model.get("step") !== i) { model.set("step", i); model.save_changes(); }
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; play.textContent = "▶ Play"; } }
  first.addEventListener("click", () => { stop(); go(0); });
  back.addEventListener("click", () => { stop(); go(cur - 1); });
  step.addEventListener("click", () => { stop(); go(cur + 1); });
  play.addEventListener("click", () => {
    if (timer) { stop(); return; }
    if (cur >= steps.length - 1) go(0);
    play.textContent = "⏸ Pause";
    timer = setInterval(() => { if (cur >= steps.length - 1) stop(); else go(cur + 1); }, 700);
  });
  model.on("change:step", () => { if (model.get("step") !== cur) go(model.get("step")); });
  go(model.get("step") || 0);
  return () => stop();
}

export default { render };
"""

CSS = r"""
.k8slab-view { font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; color: #1d2733;
  background: #fff; border: 1px solid #d5dbe1; border-radius: 6px; padding: 8px; max-width: 100%; }
.k8slab-view .k8s-title { font-weight: bold; margin-bottom: 6px; display: flex; gap: 16px; align-items: center; }
.k8slab-view .k8s-option { font-weight: normal; font-size: 12px; }
.k8slab-view .k8s-toolbar { display: flex; gap: 6px; align-items: center; margin-bottom: 6px; }
.k8slab-view .k8s-btn { font-size: 13px; padding: 3px 10px; border: 1px solid #7d8a97; border-radius: 4px;
  background: #f3f5f8; cursor: pointer; }
.k8slab-view .k8s-btn:disabled { opacity: 0.4; cursor: default; }
.k8slab-view .k8s-step { background: #ff6a00; color: #fff; border-color: #d35400; font-weight: bold; }
.k8slab-view .k8s-counter { margin-left: 10px; font-variant-numeric: tabular-nums; }
.k8slab-view .k8s-verdict { margin-left: auto; font-style: italic; color: #4a5866; }
.k8slab-view .k8s-body { display: flex; flex-direction: column; gap: 8px; }
.k8slab-view .k8s-picture { width: 100%; overflow: auto; }
.k8slab-view .k8s-picture svg { width: 100%; max-width: 1300px; height: auto; display: block; }
.k8slab-view .k8s-body:not(.topology) .k8s-side { display: none; }
.k8slab-view .k8s-body.picture .k8s-picture svg { width: auto; max-width: none; }
.k8slab-view .k8s-lower { display: flex; gap: 10px; align-items: flex-start; margin-top: 6px; }
.k8slab-view .k8s-lower .k8s-side { flex: 2 1 0; min-width: 0; }
.k8slab-view .k8s-lower .k8s-panel { flex: 3 1 0; min-width: 0; margin-top: 0; border-top: none;
  border-left: 3px solid #ff6a00; padding: 0 0 0 8px; }
.k8slab-view .k8s-side-title { font-weight: bold; margin-bottom: 4px; }
.k8slab-view .k8s-details { font-family: var(--jp-code-font-family, monospace); font-size: 11px; white-space: pre;
  overflow: auto; max-height: 320px; background: #f7f8fa; border: 1px solid #e1e5ea; padding: 6px; margin: 0; }
.k8slab-view .k8s-events { list-style: none; padding: 0; margin: 0; max-height: 420px; overflow-y: auto;
  border: 1px solid #e1e5ea; font-size: 12px; position: relative; }
.k8slab-view .k8s-event { padding: 2px 6px; cursor: pointer; border-bottom: 1px solid #f0f2f4; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.k8slab-view .k8s-event.current { background: #ffe8d6; font-weight: bold; }
.k8slab-view .k8s-event.reply .k8s-num { background: #0a9396; }
.k8slab-view .k8s-sep { padding: 2px 6px; color: #0a9396; font-style: italic; }
.k8slab-view .k8s-num { display: inline-block; min-width: 20px; text-align: center; background: #ff6a00;
  color: #fff; border-radius: 8px; margin-right: 6px; font-size: 11px; }
.k8slab-view .k8s-where { color: #326ce5; margin-right: 6px; }
.k8slab-view .k8s-stage { font-weight: bold; margin-right: 6px; }
.k8slab-view .k8s-stage.netfilter { color: #b02a37; }
.k8slab-view .k8s-stage.drop { color: #fff; background: #b02a37; padding: 0 3px; }
.k8slab-view .k8s-panel:empty { display: none; }
.k8slab-view .k8s-panel { margin-top: 8px; border-top: 2px solid #ff6a00; padding-top: 6px; }
.k8slab-view .k8s-hop-head { font-size: 14px; margin-bottom: 4px; }
.k8slab-view .k8s-hop-what { margin-bottom: 6px; }
.k8slab-view .k8s-rule { font-family: var(--jp-code-font-family, monospace); font-size: 11px; background: #fff8e6;
  border-left: 3px solid #c99400; padding: 4px 6px; margin: 0 0 6px 0; white-space: pre-wrap; }
.k8slab-view .k8s-packets { display: flex; gap: 12px; flex-wrap: wrap; }
.k8slab-view table.k8s-layers { border-collapse: collapse; font-family: var(--jp-code-font-family, monospace);
  font-size: 11px; }
.k8slab-view table.k8s-layers caption { text-align: left; font-weight: bold; font-family: sans-serif; }
.k8slab-view table.k8s-layers td { border: 1px solid #d5dbe1; padding: 2px 6px; vertical-align: top; }
.k8slab-view table.k8s-layers td.name { font-weight: bold; white-space: nowrap; }
.k8slab-view table.k8s-layers tr.outer td.name { background: #f3e9fb; }
.k8slab-view table.k8s-layers tr.inner td.name { background: #eaf1fe; }
.k8slab-view table.k8s-layers td.bytes { text-align: right; color: #4a5866; white-space: nowrap; }
.k8slab-view table.k8s-layers .chg { background: #ffe08a; font-weight: bold; }
.k8slab-view .k8s-packet { fill: #ff6a00; stroke: #fff; stroke-width: 2; }
.k8slab-view .k8s-packet.reply { fill: #0a9396; }
.k8slab-view .k8s-packet.drop { fill: #b02a37; }
"""


def widget_class():
    """The anywidget class (imported on first use; None when anywidget is not installed)."""
    global _CLASS
    if _CLASS is not None:
        return _CLASS
    try:
        import anywidget
        import traitlets
    except ImportError:
        return None

    class K8sLabWidget(anywidget.AnyWidget):
        """One view: ``kind`` is topology, player or picture; ``svg`` is drawn in Python."""

        _esm = ESM
        _css = CSS
        kind = traitlets.Unicode("picture").tag(sync=True)
        title = traitlets.Unicode("").tag(sync=True)
        hint = traitlets.Unicode("").tag(sync=True)
        svg = traitlets.Unicode("").tag(sync=True)
        details = traitlets.Dict().tag(sync=True)
        selected = traitlets.Unicode("").tag(sync=True)
        options = traitlets.Dict().tag(sync=True)
        steps = traitlets.List().tag(sync=True)
        anchors = traitlets.Dict().tag(sync=True)
        verdict = traitlets.Unicode("").tag(sync=True)
        step = traitlets.Int(0).tag(sync=True)

    _CLASS = K8sLabWidget
    return _CLASS


_CLASS = None


def live_frontend() -> bool:
    """True inside a Jupyter kernel (where a widget can be shown); False in plain IPython or a script."""
    import sys

    if "ipykernel" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None
