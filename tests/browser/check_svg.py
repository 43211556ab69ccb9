#!/usr/bin/python3
"""Checks an SVG chart of `ekonet indicators trend --svg` as a reader's browser shows it.

    check_svg.py SVG PNG [--points N,N...] [--band | --no-band] [--text T]... [--no-text T]...
                 [--proportional] [--min-ticks N]

The file must be well-formed standalone SVG (the SVG namespace, a <title> and <desc> first,
no script, no external reference). Debian's chromium, driven headless by chromedriver through
python3-selenium, then opens it: the document must be the SVG (not a parse error), each chart
must have the number of point markers given (in order of the charts), the band must be there
or not, every --text must be in the drawn text and no --no-text. --proportional: the points'
x positions are proportional to their years. The rendering is saved as PNG, which must not be
blank: some thousands of pixels not white, in more than a few colours.
"""
import argparse
import base64
import re
import sys
import xml.etree.ElementTree as ET

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

SVG = "{http://www.w3.org/2000/svg}"


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def check_xml(path):
    """Well-formed, standalone, accessible, without script."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail(f"{path} is not well-formed XML: {e}")
    if root.tag != SVG + "svg":
        fail(f"{path}: the root is {root.tag}, not an SVG element")
    kids = [k.tag for k in root][:2]
    if kids != [SVG + "title", SVG + "desc"]:
        fail(f"{path}: the document does not begin with <title> and <desc>: {kids}")
    if not (root.findtext(SVG + "title") or "").strip():
        fail(f"{path}: the title is empty")
    for el in root.iter():
        tag = el.tag.replace(SVG, "")
        if tag in ("script", "foreignObject", "image", "use"):
            fail(f"{path}: has a <{tag}> element")
        for k, v in el.attrib.items():
            if k.startswith("on"):
                fail(f"{path}: <{tag}> has an event handler {k}")
            if k.endswith("href"):
                fail(f"{path}: <{tag}> refers to {v}")
    return int(float(root.get("width"))), int(float(root.get("height")))


def browser(width, height):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--hide-scrollbars", "--force-device-scale-factor=1",
              f"--window-size={width},{height}"):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


# Counts in the page, per chart: point markers, band shapes, their years and x positions.
DOM = """
const svg = document.documentElement;
if (svg.localName !== 'svg' || document.getElementsByTagName('parsererror').length)
    return {error: 'the browser did not read the file as SVG'};
const charts = Array.from(svg.querySelectorAll('g.chart')).map(g => ({
    points: Array.from(g.querySelectorAll('circle.point')).map(c => ({
        x: c.getBoundingClientRect().x + c.getBoundingClientRect().width / 2,
        year: parseInt(c.querySelector('title').textContent, 10)})),
    bands: g.querySelectorAll('path.band').length,
    medians: g.querySelectorAll('polyline.median').length,
    text: Array.from(g.querySelectorAll('text')).map(t => t.textContent).join(' | '),
}));
return {charts: charts, scripts: svg.querySelectorAll('script').length,
        title: svg.querySelector('title').textContent};
"""

# Draws the PNG on a canvas and counts what is not white, and the colours.
PIXELS = """
const done = arguments[arguments.length - 1];
const img = new Image();
img.onload = () => {
    const cv = document.createElementNS('http://www.w3.org/1999/xhtml', 'canvas');
    cv.width = img.width; cv.height = img.height;
    const cx = cv.getContext('2d');
    cx.drawImage(img, 0, 0);
    const d = cx.getImageData(0, 0, cv.width, cv.height).data;
    let ink = 0; const colours = new Set();
    for (let i = 0; i < d.length; i += 4) {
        if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) ink++;
        if (colours.size < 1000) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
    done({ink: ink, colours: colours.size, width: img.width, height: img.height});
};
img.onerror = () => done({error: 'the screenshot does not load as PNG'});
img.src = 'data:image/png;base64,' + arguments[0];
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("svg")
    ap.add_argument("png")
    ap.add_argument("--points", help="point markers per chart, e.g. 3,1")
    ap.add_argument("--band", action="store_true")
    ap.add_argument("--no-band", action="store_true")
    ap.add_argument("--text", action="append", default=[])
    ap.add_argument("--no-text", action="append", default=[])
    ap.add_argument("--proportional", action="store_true")
    a = ap.parse_args()
    width, height = check_xml(a.svg)
    drv = browser(width, height)
    try:
        # the whole chart in the viewport, whatever room the window's frame takes
        drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1,
                             "mobile": False})
        drv.get("file://" + a.svg)
        dom = drv.execute_script(DOM)
        if "error" in dom:
            fail(f"{a.svg}: {dom['error']}")
        png = drv.get_screenshot_as_png()
        with open(a.png, "wb") as f:
            f.write(png)
        px = drv.execute_async_script(PIXELS, base64.b64encode(png).decode())
    finally:
        drv.quit()
    if "error" in px:
        fail(f"{a.png}: {px['error']}")
    if px["ink"] < 2000 or px["colours"] < 5:
        fail(f"{a.png} looks blank: {px['ink']} pixels not white, {px['colours']} colours")
    charts = dom["charts"]
    if a.points:
        want = [int(n) for n in a.points.split(",")]
        got = [len(c["points"]) for c in charts]
        if got != want:
            fail(f"{a.svg}: point markers per chart {got}, expected {want}")
    for c in charts:
        if a.band and not (c["bands"] and c["medians"]):
            fail(f"{a.svg}: no band of the network in a chart")
        if a.no_band and (c["bands"] or c["medians"]):
            fail(f"{a.svg}: a band of the network with too few members")
        if a.proportional and len(c["points"]) > 2:
            p = c["points"]
            per = [(q["x"] - p[0]["x"]) / (q["year"] - p[0]["year"]) for q in p[1:]]
            if max(per) - min(per) > 1.5:
                fail(f"{a.svg}: the years are not proportional: pixels a year {per}")
    text = " | ".join(c["text"] for c in charts) + " | " + dom["title"]
    for t in a.text:
        if t not in text:
            fail(f"{a.svg}: the chart does not show {t!r}: {text}")
    for t in a.no_text:
        if re.search(re.escape(t), text):
            fail(f"{a.svg}: the chart shows {t!r}: {text}")
    print(f"ok {a.svg}: {len(charts)} chart(s), points {[len(c['points']) for c in charts]}, "
          f"{px['ink']} pixels of ink in {px['colours']} colours -> {a.png}")


if __name__ == "__main__":
    main()
