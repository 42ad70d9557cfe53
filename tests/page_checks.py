"""What a coach's page shows, read in headless Chromium through the DOM: marks against their plot's
rectangle (getBBox), tick labels, the colours used against the legend's, and the text of chosen places.
Shared by the screening and monitor tests."""

from __future__ import annotations

import re
from pathlib import Path

from system_tools import chromium

# every SVG mark (class "mark") names its plot rectangle (data-plot="<id>"); half a pixel of rounding
READ = """() => {
  const outside = [];
  for (const mark of document.querySelectorAll('svg .mark')) {
    const plot = document.getElementById(mark.dataset.plot);
    if (!plot) { outside.push(['no plot', mark.outerHTML.slice(0, 80)]); continue; }
    const p = plot.getBBox(), m = mark.getBBox();
    if (m.x < p.x - 0.5 || m.y < p.y - 0.5 || m.x + m.width > p.x + p.width + 0.5
        || m.y + m.height > p.y + p.height + 0.5) outside.push([mark.dataset.plot, mark.outerHTML.slice(0, 120)]);
  }
  const fills = new Set();
  for (const mark of document.querySelectorAll('svg .mark')) {
    const own = mark.getAttribute('fill');  // a mark's own fill, its stroke, or its group's fill
    const colour = own && own !== 'none' ? own
      : (mark.getAttribute('stroke') || mark.parentElement.closest('[fill]')?.getAttribute('fill'));
    if (colour) fills.add(colour);
  }
  const legend = [...document.querySelectorAll('.legend [data-colour]')].map(e => e.dataset.colour);
  const ticks = [...document.querySelectorAll('svg text.tick.y')].map(e => e.textContent.trim());
  const dynamics = [...document.querySelectorAll('svg text.tick.dynamics')].map(e => e.textContent.trim());
  const months = [...document.querySelectorAll('svg text.tick.x')].map(e => e.dataset.date);
  const values = [...document.querySelectorAll('td.value, td.unit')].map(e => e.textContent.trim());
  const places = [...document.querySelectorAll('.legend li, #advice li, #reconcile, td[title], td.value, th, .reason')]
    .map(e => e.textContent.trim());
  return {outside, places, dynamics_ticks: dynamics, fills: [...fills], legend, ticks, months, values,
          text: document.body.innerText, marks: document.querySelectorAll('svg .mark').length};
}"""


def read_page(path: Path, viewport: dict | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    errors = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page(viewport=viewport or {"width": 1000, "height": 1400})
        tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(path.as_uri())
        found = tab.evaluate(READ)
        browser.close()
    return found | {"errors": errors}


def is_round(labels: list[str]) -> bool:
    """Tick labels from 0 in one round step (1, 2, 2.5 or 5 times a power of ten), decimal comma or point."""
    values = [float(label.replace(",", ".")) for label in labels]
    if len(values) < 2 or values[0] != 0:
        return False
    step = values[1] - values[0]
    mantissa = step / 10 ** int(f"{step:e}".split("e")[1])
    return round(mantissa, 9) in (1, 2, 2.5, 5) and all(abs(v - i * step) < 1e-9 for i, v in enumerate(values))


NEGATIVE_ZERO = re.compile(r"(?<![\d,.])[-−]0(?:[.,]0*)?(?![\d.,])")
