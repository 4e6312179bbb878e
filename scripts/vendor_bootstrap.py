"""Vendor Bootstrap's CSS without inline `data:` images.

Bootstrap draws a few icons (select arrows, check marks, close buttons) with
`url("data:image/svg+xml,...")`. Our Content-Security-Policy allows images
from 'self' only, so this script moves each one into its own .svg file next to
the stylesheet and points the CSS at it.

Usage: python scripts/vendor_bootstrap.py path/to/bootstrap/package/dist/css/bootstrap.min.css OUT_DIR
"""

import hashlib
import re
import sys
import urllib.parse
from pathlib import Path

DATA_SVG = re.compile(r'url\("data:image/svg\+xml,([^"]+)"\)')


def rewrite(css: str, out_dir: Path) -> str:
    icons = out_dir / "icons"
    icons.mkdir(parents=True, exist_ok=True)

    def save(match: re.Match) -> str:
        svg = urllib.parse.unquote(match.group(1))
        name = hashlib.sha256(svg.encode()).hexdigest()[:12] + ".svg"
        (icons / name).write_text(svg)
        return f'url("icons/{name}")'

    css = DATA_SVG.sub(save, css)
    return re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)


if __name__ == "__main__":
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    for name in ("bootstrap.min.css", "bootstrap.rtl.min.css"):
        (out / name).write_text(rewrite((source.parent / name).read_text(), out))
