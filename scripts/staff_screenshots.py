"""Screenshots of staff pages as a signed-in person sees them, at desktop and phone widths.

Usage: python scripts/staff_screenshots.py BASE_URL OUT_DIR USERNAME PATH [PATH ...]
Signs in with the demo password and the account's current TOTP code (read
with `manage.py totp_code`, so only against a development site), then saves
one full-page PNG per path and width. Needs Debian's chromium.
"""

import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
DEMO_PASSWORD = "hotline demo password"  # noqa: S105  (the demo accounts' published password)


def totp(username: str) -> str:
    out = subprocess.run(  # noqa: S603  (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "totp_code", username], capture_output=True, text=True, check=True
    ).stdout
    return next(word for word in out.split() if word.isdigit() and len(word) == 6)


def main() -> None:
    base, out, username, *paths = sys.argv[1:]
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/staff/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.fill("input[name=otp_token]", totp(username))
        page.click("button[type=submit]")
        for width, name in ((1280, "desktop"), (360, "phone")):
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                page.goto(f"{base}{path}")
                slug = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
                page.screenshot(path=out_dir / f"{slug}-{name}.png", full_page=True)
        browser.close()
    print(f"screenshots in {out_dir}")


if __name__ == "__main__":
    main()
