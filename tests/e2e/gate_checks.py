"""What the accessibility gate checks on a page: axe-core, reflow at 320 px, target sizes,
no motion when reduced motion is asked for.

Target sizes, as decided for this project:

* A child's pages (every page opened in a child's role: the code page, "no open round",
  assent, "not today", the questions, the private screen, the end, paused and goodbye; not
  the setup page, which is the adult's): every visible control is at least 48 x 48 CSS px,
  with no exception for spacing; pointing is harder for a young child than WCAG assumes.
* Every other page: at least 24 x 24 CSS px, or WCAG 2.5.8's spacing exception: a 24 px circle
  centred on the undersized target meets no other target and no other such circle.
* Everywhere, WCAG 2.5.8's inline exception: a link inside a sentence (an inline element in a
  block with text of its own) is sized by the line of text.
* A radio button or check box is one target with its label (a click on either chooses it),
  so it is measured as the box around both; a radio hidden inside a label (``label.choice``)
  is measured as that label.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

#: WCAG 2.0, 2.1 and 2.2, levels A and AA (axe has no rule tagged wcag22a).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REFLOW_WIDTH = 320
CHILD_TARGET = 48
TARGET = 24

# Shared by the checks below: which elements are controls, which are seen, how to name one.
_HELPERS = """
const CONTROLS = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, '
  + '[role="button"], [role="link"], [tabindex]:not([tabindex="-1"])';
const seen = (element) => {
  // checkVisibility: not in a closed <details>, not display: none, not visibility: hidden.
  if (!element.checkVisibility({visibilityProperty: true})) return false;
  const box = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  return box.width > 0 && box.height > 0 && style.visibility !== "hidden"
    && !element.closest("[hidden]") && box.bottom + scrollY > 0 && box.right + scrollX > 0;
};
// Shown to nobody but screen readers (.visually-hidden), or drawn by its label (.choice input).
const tucked = (element) => {
  const box = element.getBoundingClientRect();
  return (box.width <= 1 && box.height <= 1) || getComputedStyle(element).opacity === "0";
};
const name = (element) => {
  const text = (element.innerText || element.value || element.getAttribute("aria-label")
    || element.name || "").trim().replace(/\\s+/g, " ").slice(0, 40);
  const id = element.id ? "#" + element.id : "";
  const classes = [...element.classList].map((c) => "." + c).join("");
  return `${element.tagName.toLowerCase()}${id}${classes} "${text}"`;
};
const labelOf = (input) => input.closest("label")
  || (input.id && document.querySelector(`label[for="${CSS.escape(input.id)}"]`)) || null;
"""

REFLOW = (
    "() => {"
    + _HELPERS
    + """
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide`);
  }
  // A data table may scroll inside its own box (WCAG 1.4.10 allows two-dimensional content):
  // controls in it are checked by that box, which must itself lie within the screen.
  const scroller = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if ((overflow === "auto" || overflow === "scroll") && up.scrollWidth > up.clientWidth) {
        return up;
      }
    }
    return null;
  };
  const boxes = new Set();
  for (const element of document.querySelectorAll(CONTROLS + ", label.choice")) {
    if (!seen(element) || tucked(element)) continue;
    const box = scroller(element) || element;
    if (boxes.has(box)) continue;
    boxes.add(box);
    const rect = box.getBoundingClientRect();
    if (rect.left < -0.5 || rect.right > width + 0.5) {
      problems.push(`clipped: ${name(box)} lies at ${Math.round(rect.left)}..`
        + `${Math.round(rect.right)} px, the screen is ${width} px`);
    }
  }
  for (const element of document.querySelectorAll(
      "button, a.button, label.choice, .choice__label")) {
    if (seen(element) && element.scrollWidth > element.clientWidth + 1) {
      problems.push(`text cut: ${name(element)} needs ${element.scrollWidth} px,`
        + ` has ${element.clientWidth} px`);
    }
  }
  for (const scale of document.querySelectorAll(".choices:not(.choices--missing)")) {
    const choices = [...scale.querySelectorAll(".choice")].filter(seen)
      .map((choice) => choice.getBoundingClientRect());
    const tops = new Set(choices.map((box) => Math.round(box.top)));
    const lefts = new Set(choices.map((box) => Math.round(box.left)));
    if (tops.size > 1 && lefts.size > 1) {
      problems.push(`the answer scale is split: ${tops.size} rows, ${lefts.size} columns`);
    }
  }
  return problems;
}"""
)

TARGETS = (
    "([minimum, spacing]) => {"
    + _HELPERS
    + """
  const union = (a, b) => {
    const left = Math.min(a.left, b.left), top = Math.min(a.top, b.top);
    const right = Math.max(a.right, b.right), bottom = Math.max(a.bottom, b.bottom);
    return {left, top, right, bottom, width: right - left, height: bottom - top};
  };
  const inSentence = (element) => {
    if (element.tagName !== "A" || getComputedStyle(element).display !== "inline") return false;
    let block = element.parentElement;
    while (block && getComputedStyle(block).display === "inline") block = block.parentElement;
    const own = (block ? block.innerText : "").replace(element.innerText, "").trim();
    return own.length > 0;
  };
  const targets = [];
  for (const element of document.querySelectorAll(CONTROLS)) {
    if (!seen(element) || inSentence(element)) continue;
    let box = element.getBoundingClientRect();
    let shown = element;
    if (element.matches('input[type="radio"], input[type="checkbox"]')) {
      const label = labelOf(element);
      if (label && seen(label)) {
        box = tucked(element) ? label.getBoundingClientRect()
          : union(box, label.getBoundingClientRect());
        shown = label;
      } else if (tucked(element)) continue;
    } else if (tucked(element)) continue;
    targets.push({element: shown, box});
  }
  const small = targets.filter((t) => t.box.width < minimum - 0.5 || t.box.height < minimum - 0.5);
  const radius = minimum / 2;
  const centre = (box) => [box.left + box.width / 2, box.top + box.height / 2];
  const meets = (box, [x, y]) => {
    const dx = Math.max(box.left - x, 0, x - box.right);
    const dy = Math.max(box.top - y, 0, y - box.bottom);
    return dx * dx + dy * dy < radius * radius;
  };
  const problems = [];
  for (const target of small) {
    const middle = centre(target.box);
    const crowded = !spacing || targets.some((other) => other !== target
        && other.element !== target.element && meets(other.box, middle))
      || small.some((other) => other !== target && other.element !== target.element
        && Math.hypot(...centre(other.box).map((v, i) => v - middle[i])) < minimum);
    if (crowded) {
      problems.push(`target ${Math.round(target.box.width)} x ${Math.round(target.box.height)}`
        + ` px < ${minimum} px: ${name(target.element)}`);
    }
  }
  return problems;
}"""
)

# Under prefers-reduced-motion nothing moves: no running animation or transition, no element
# that would animate or transition, no smooth scrolling.
STILL = """() => {
  const problems = document.getAnimations().filter((a) => a.playState === "running")
    .map((a) => `still moving: ${a.constructor.name} ${a.animationName || a.transitionProperty
      || ""} on ${a.effect && a.effect.target ? a.effect.target.tagName : "?"}`);
  for (const element of document.querySelectorAll("body, body *")) {
    const style = getComputedStyle(element);
    const lasting = (value) => value.split(",").some((part) => parseFloat(part) > 0);
    if ((style.animationName !== "none" && lasting(style.animationDuration))
        || lasting(style.transitionDuration)) {
      const what = element.tagName.toLowerCase() + [...element.classList].map((c) => "." + c)
        .join("");
      problems.push(`moves despite reduced motion: ${what}`);
    }
  }
  if (getComputedStyle(document.documentElement).scrollBehavior === "smooth") {
    problems.push("smooth scrolling despite reduced motion");
  }
  return [...new Set(problems)];
}"""


def axe_violations(axe: Axe, page: Page) -> list[str]:
    """Run axe-core's WCAG 2.x A and AA rules; return one line per failing element."""
    results = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    lines = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            html = " ".join(node.get("html", "").split())[:160]
            lines.append(
                f"axe {violation['id']} ({violation['impact']}): {violation['help']}"
                f" | {target} | {html}"
            )
    return lines


def target_problems(page: Page, minimum: int) -> list[str]:
    """Return the controls smaller than ``minimum`` CSS px (24: with the spacing exception)."""
    return page.evaluate(TARGETS, [minimum, minimum == TARGET])


def reflow_problems(page: Page, minimum: int) -> list[str]:
    """Return what breaks at 320 CSS px: sideways scrolling, clipped controls, a split scale,
    and targets that shrink below ``minimum``; the viewport is restored afterwards."""
    size = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": size["height"]})
    try:
        problems = page.evaluate(REFLOW)
        problems += [f"at {REFLOW_WIDTH} px: {text}" for text in target_problems(page, minimum)]
    finally:
        page.set_viewport_size(size)
    return problems


def motion_problems(page: Page) -> list[str]:
    """Return what still moves although the page was asked for reduced motion."""
    return page.evaluate(STILL)
