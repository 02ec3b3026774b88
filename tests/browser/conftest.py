"""The browser harness: JupyterLab on a free loopback port, driven by Debian's Chromium.

Playwright's own browser download cannot be used here, so Chromium comes from Debian
(`/usr/bin/chromium`, installed by `make test` when running as root). Where it cannot be had,
every browser test skips with one line saying so.

Notebooks are copied to a scratch folder before JupyterLab opens them, so running cells (and
JupyterLab's autosave) never touches the committed files. Screenshots go to artifacts/browser/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("K8SLAB_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "artifacts" / "browser"
VISIBLE = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on screen, not one in a hidden tab
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

if not CHROMIUM.exists():
    pytest.skip(f"browser tests skipped: no Chromium at {CHROMIUM} (make test installs it as root)",
                allow_module_level=True)


def lab_env(root: Path) -> dict:
    """The environment JupyterLab runs in for tests: its own user-settings folder, with the
    news and update checks off (their pop-up would cover part of every screenshot)."""
    settings = root / "lab-user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    # Its own workspace folder too: tabs restored from an earlier run would hide the notebook under test.
    return dict(os.environ, JUPYTER_PLATFORM_DIRS="1", JUPYTERLAB_SETTINGS_DIR=str(root / "lab-user-settings"),
                JUPYTERLAB_WORKSPACES_DIR=str(root / "lab-workspaces"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyterlab(root: Path, extra_env: dict | None = None):
    """Run JupyterLab on a free loopback port serving ``root``; yields its URL, stops it after."""
    port = _free_port()
    jupyter = Path(sys.executable).parent / "jupyter"
    cmd = [
        str(jupyter), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
        "--ServerApp.port_retries=0", "--allow-root",
    ]
    env = dict(lab_env(root), **(extra_env or {}))
    log = open(root / "jupyter.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/lab", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("JupyterLab did not start:\n" + (root / "jupyter.log").read_text()[-3000:])
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def lab_url(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a scratch copy of notebooks/."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    with jupyterlab(root) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def run_notebook(page, lab_url: str, notebook: str, timeout_s: float = 240) -> dict:
    """Open notebooks/<notebook> in JupyterLab, run all cells, wait for the kernel to finish.

    Returns what the page shows: the number of code cells, how many ran, and the text of any
    error outputs (tracebacks or stderr)."""
    # ?reset: start from an empty workspace, so notebooks opened by earlier tests are not restored
    # as tabs (their hidden cells would match the selectors below).
    page.goto(f"{lab_url}/lab/tree/notebooks/{notebook}?reset")
    page.wait_for_selector(f"{VISIBLE} .jp-Cell", timeout=60_000)
    # Wait until the kernel is attached and idle before running.
    page.wait_for_function(
        "() => { const a = window.jupyterapp; const w = a && a.shell.currentWidget;"
        " return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
        " && w.sessionContext.session.kernel.status === 'idle'; }",
        timeout=90_000,
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # Done when every code cell has an execution count and none shows [*].
    page.wait_for_function(
        f"() => {{ const p = [...document.querySelectorAll('{VISIBLE} .jp-CodeCell .jp-InputPrompt')];"
        " return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent)); }",
        timeout=timeout_s * 1000,
    )
    page.wait_for_timeout(500)
    errors = page.eval_on_selector_all(
        f"{VISIBLE} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
        f" {VISIBLE} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']",
        "els => els.map(e => e.textContent)",
    )
    prompts = page.eval_on_selector_all(f"{VISIBLE} .jp-CodeCell .jp-InputPrompt", "els => els.map(e => e.textContent)")
    return {"cells": len(prompts), "ran": sum(1 for p in prompts if any(ch.isdigit() for ch in p)), "errors": errors}
