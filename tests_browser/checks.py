"""What the browser tests look for on a page: axe-core's WCAG findings, visible focus, sideways scrolling."""

from __future__ import annotations

from pathlib import Path

AXE_SOURCE_PATH = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what the public pages promise.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
# (label, CSS viewport): a 320 px phone, and a 1280 px window zoomed to 200%.
NARROW = [("320 px wide", {"width": 320, "height": 640}), ("200% zoom", {"width": 640, "height": 450})]


# --- axe-core ---------------------------------------------------------------------


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2.2 A/AA rules on the page as it is now; its violations.

    axe is evaluated through the DevTools protocol, which the site's CSP does
    not govern (`add_script_tag` would add an inline script, which it forbids),
    so the page is tested under the policy it is served with.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE_PATH.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
              nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary, html: n.html})),
            }));
        }""",
        AXE_TAGS,
    )
    return result


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            for line in (node["summary"] or "").splitlines():
                lines.append(f"        {line}")
    return "\n".join(lines)


def assert_accessible(page, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core found WCAG A/AA violations on {where}:\n" + format_violations(violations)


# --- Non-text contrast ----------------------------------------------------------------

# WCAG 1.4.11: the edge of a field must stand out 3:1 from what is behind it.
# axe does not look at borders; this does, for every visible field.
_WEAK_FIELD_EDGES = """() => {
    document.getAnimations().forEach((a) => a.finish());  // Bootstrap eases border colours in
    const lum = (rgb) => {
      const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map((c) => {
        c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const opaque = (color) => !/^rgba\\(.*, 0\\)$/.test(color) && color !== "transparent";
    const behind = (el) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const bg = getComputedStyle(p).backgroundColor;
        if (opaque(bg)) return bg;
      }
      return "rgb(255, 255, 255)";
    };
    const out = [];
    for (const el of document.querySelectorAll("input, textarea, select")) {
      const s = getComputedStyle(el);
      if (el.type === "hidden" || !el.getClientRects().length || el.closest("[aria-hidden=true]")) continue;
      if (parseFloat(s.borderTopWidth) === 0) continue;
      const a = lum(s.borderTopColor), b = lum(behind(el));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const name = `${el.tagName.toLowerCase()}#${el.id}`;
      if (ratio < 3) out.push(`${name}: edge ${s.borderTopColor} has ${ratio.toFixed(2)}:1`);
    }
    return out;
}"""


def assert_field_edges_contrast(page, where: str) -> None:
    weak = page.evaluate(_WEAK_FIELD_EDGES)
    assert not weak, f"fields on {where} whose edges are too faint (WCAG 1.4.11, 3:1):\n  " + "\n  ".join(weak)


# --- Reflow ------------------------------------------------------------------------


def horizontal_overflow(page) -> list[str]:
    """Elements reaching past the viewport's end edge; [] when nothing scrolls sideways."""
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            if (root.scrollWidth <= root.clientWidth) return [];
            const width = root.clientWidth, out = [];
            // Only the end edge scrolls: right in LTR, left in RTL (the honeypot parked off the start is fine).
            const rtl = getComputedStyle(root).direction === "rtl";
            for (const el of document.body.querySelectorAll("*")) {
              const box = el.getBoundingClientRect();
              if (box.width && (rtl ? box.left < -0.5 : box.right > width + 0.5)) {
                const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                  + (el.classList.length ? "." + [...el.classList].join(".") : "");
                out.push(`${name} [${Math.round(box.left)}..${Math.round(box.right)} of ${width}]`);
              }
            }
            return out.length ? out.slice(0, 10) : [`page ${root.scrollWidth}px wide in a ${width}px viewport`];
        }"""
    )


# Focus must show as an outline or a shadow (WCAG 2.4.7); a colour change alone is too faint to count.
# One Tab press: the newly focused element's outline and shadow, or null on <body>,
# or "again" once Tab has come round to an element already visited.
_TAB_STOP = """() => {
    document.getAnimations().forEach((a) => a.finish());  // the focus style as it settles, not mid-transition
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    window.__tabStops = window.__tabStops || [];
    if (window.__tabStops.includes(el)) return "again";
    window.__tabStops.push(el);
    const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | ");
}"""
# The tab stops whose unfocused styles equal their focused ones: focus invisible there.
_UNCHANGED = """(focused) => {
    document.activeElement.blur();
    document.getAnimations().forEach((a) => a.finish());
    const stops = window.__tabStops;
    window.__tabStops = [];
    return stops.filter((el, i) => {
      const s = getComputedStyle(el);
      return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | ") === focused[i];
    }).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? `[name=${el.name}]` : "")
               + ` "${(el.innerText || el.getAttribute("aria-label") || "").trim().slice(0, 40)}"`);
}"""


def assert_focus_visible(page, where: str, limit: int = 80) -> None:
    """Tab once round the page; each stop's styles must change when it has the focus."""
    focused: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        style = page.evaluate(_TAB_STOP)
        if style == "again":
            break
        if style is not None:
            focused.append(style)
    else:
        raise AssertionError(f"Tab never came round on {where} after {limit} presses")
    assert focused, f"nothing on {where} can be reached with Tab"
    invisible = page.evaluate(_UNCHANGED, focused)
    assert not invisible, f"no visible focus indicator on {where} for:\n  " + "\n  ".join(invisible)


def assert_reflows(page, where: str) -> None:
    for label, viewport in NARROW:
        page.set_viewport_size(viewport)
        overflow = horizontal_overflow(page)
        assert not overflow, f"{where} scrolls sideways at {label}:\n  " + "\n  ".join(overflow)
    page.set_viewport_size(DESKTOP)
