"""The widgets in JupyterLab, in Chromium: a notebook that uses every view runs without error,
clicking a pod shows its interfaces and routes, the player's Step button moves the packet
(and answers in under 100 ms), and screenshots land in artifacts/browser/ to be looked at.

The notebook lives in tests/browser/notebooks/ (not the course's notebooks/); this module's
``widgets_lab_url`` serves a scratch copy of that folder the way ``lab_url`` serves notebooks/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, ROOT, jupyterlab, run_notebook, screenshot

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def widgets_lab_url(tmp_path_factory):
    """JupyterLab serving a scratch copy of tests/browser/notebooks/ as notebooks/."""
    root = tmp_path_factory.mktemp("widgets-lab")
    shutil.copytree(HERE / "notebooks", root / "notebooks")
    with jupyterlab(root, {"PYTHONPATH": str(ROOT)}) as url:
        yield url


@pytest.fixture
def tall_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
    pg = context.new_page()
    yield pg
    context.close()


def _shot(locator, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(path))
    return path


def test_every_widget_in_jupyterlab(tall_page, widgets_lab_url):
    page = tall_page
    result = run_notebook(page, widgets_lab_url, "widgets.ipynb")
    assert result["cells"] > 0 and result["ran"] == result["cells"], result
    assert result["errors"] == [], result["errors"]
    # the widgets rendered (not their static fallbacks): topology, player, player, chains, layers
    page.wait_for_function("() => document.querySelectorAll('.k8slab-view').length >= 5", timeout=60_000)
    views = page.locator(".k8slab-view")
    no_news = page.locator(".jp-Notification-Toast button", has_text="No")
    if no_news.count():
        no_news.first.click()  # JupyterLab's "get notified about news?" toast would cover the shots
    screenshot(page, "widgets-notebook")

    # -- the topology: click a pod, its interfaces and routes appear
    topo = views.nth(0)
    details = topo.locator(".k8s-details")
    before = details.text_content()
    pod = topo.locator('g[data-id^="pod:"]').first
    pod.scroll_into_view_if_needed()
    pod.click()
    page.wait_for_function("() => document.querySelector('.k8s-details').hasAttribute('data-selected')")
    after = details.text_content()
    assert after != before and "$ ip addr" in after and "$ ip route" in after
    assert topo.locator("g.sel").count() == 1
    _shot(topo, "widget-topology-pod-selected")

    # -- the player: Step moves the packet; time one step in the browser
    player = views.nth(1)
    panel = player.locator(".k8s-panel")
    first = panel.inner_text()
    player.locator(".k8s-step").scroll_into_view_if_needed()
    timings = page.evaluate(
        """(n) => {
          const view = document.querySelectorAll('.k8slab-view')[1];
          const step = view.querySelector('.k8s-step');
          const out = [];
          for (let i = 0; i < n; i++) {
            const t0 = performance.now();
            step.click();
            view.querySelector('.k8s-panel').getBoundingClientRect();  // force layout of the new panel
            out.push(performance.now() - t0);
          }
          return out;
        }""", 12)
    second = panel.inner_text()
    assert second != first and panel.get_attribute("data-step") == "12"
    assert player.locator("li.k8s-event.current").count() == 1
    assert player.locator("g.here").count() == 1
    timings.sort()
    median = timings[len(timings) // 2]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "player-step-timing.json").write_text(json.dumps(
        {"median_ms": round(median, 2), "max_ms": round(max(timings), 2), "steps": len(timings)}) + "\n")
    print(f"player step in the browser: median {median:.2f} ms, max {max(timings):.2f} ms")
    assert median < 100, timings
    # the step also reaches the kernel-side model, then Back goes the other way
    player.locator(".k8s-back").click()
    assert panel.get_attribute("data-step") == "11"
    _shot(player, "widget-player-step")

    # encapsulation: step to the VXLAN hop and look at outer/inner headers
    page.evaluate("""() => { const v = document.querySelectorAll('.k8slab-view')[1];
        const li = [...v.querySelectorAll('li.k8s-event')].find(e => e.textContent.includes('vxlan-encap'));
        li.click(); }""")
    assert "(outer)" in panel.inner_text() and "(inner)" in panel.inner_text()
    _shot(player, "widget-player-vxlan")

    # the DNAT trace: before and after, the rule with its counter
    dnat_player = views.nth(2)
    page.evaluate("""() => { const v = document.querySelectorAll('.k8slab-view')[2];
        const li = [...v.querySelectorAll('li.k8s-event')].find(e => e.textContent.includes('DNAT'));
        li.click(); }""")
    text = dnat_player.locator(".k8s-panel").inner_text()
    assert "before" in text and "after" in text and "pkts" in text
    _shot(dnat_player, "widget-player-dnat")

    _shot(views.nth(3), "widget-nat-chains")
    _shot(views.nth(4), "widget-packet-layers")
