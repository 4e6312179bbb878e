"""Screenshots of the public pages, as a person sees them, at desktop and phone widths.

Usage: python scripts/screenshots.py [BASE_URL] [OUT_DIR] [LANGUAGE]
(LANGUAGE: en, the default, or fr, de, es, pl, ar: the pages under /fr/ and so on.)
Needs Debian's chromium (/usr/bin/chromium) and the playwright package; it
never downloads a browser. The site must allow quick submissions
(REPORT_MIN_FORM_SECONDS=0) for the confirmation step.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "var/screenshots")
LANGUAGE = sys.argv[3] if len(sys.argv) > 3 else "en"
PREFIX = "" if LANGUAGE == "en" else f"/{LANGUAGE}"
SUFFIX = "" if LANGUAGE == "en" else f"-{LANGUAGE}"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, viewport in {"desktop": (1280, 900), "phone": (360, 780)}.items():
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.goto(f"{BASE}{PREFIX}/")
            page.screenshot(path=OUT / f"form{SUFFIX}-{name}.png", full_page=True)
            page.fill("#id_addresses", "http://example.com/a\njavascript:alert(1)\nexample.org/b")
            page.click("button[type=submit]")
            page.screenshot(path=OUT / f"form-errors{SUFFIX}-{name}.png", full_page=True)
            page.fill("#id_addresses", "http://example.com/a\nexample.org/b")
            page.check("#id_seen_0")
            page.check("#id_found_on_0")
            page.click("button[type=submit]")
            page.screenshot(path=OUT / f"confirmation{SUFFIX}-{name}.png", full_page=True)
            reference = page.inner_text("#reference")
            receipt = page.inner_text("#receipt")
            page.goto(f"{BASE}{PREFIX}/status/")
            page.fill("#id_reference", reference)
            page.fill("#id_receipt", receipt)
            page.click("button[type=submit]")
            page.screenshot(path=OUT / f"status{SUFFIX}-{name}.png", full_page=True)
            page.close()
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
