"""What the browser tests share: Debian's Chromium driven by Playwright, and how to skip without them."""
from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a headless Chromium on a closed network (no background requests, no sandbox as root).
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
#: The colour kg/assets/view.js gives nodes that are not singled out.
DIM = "rgba(200,200,200,0.45)"


def require_browser(*, module_level: bool = True):
    """Playwright's sync API, or skip with what to install when Chromium or Playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install -y chromium)",
                    allow_module_level=module_level)
    return pytest.importorskip(
        "playwright.sync_api", reason="browser tests need Playwright for Python (pip install playwright)")
