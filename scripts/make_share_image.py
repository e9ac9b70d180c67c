"""Draw the site's share image (static/img/share.png, 1200×630) from the emblem.

Pages without a photo of their own name it as og:image. Run once and commit the file;
rerun only when the emblem changes: .venv/bin/python scripts/make_share_image.py
Chromium (/usr/bin/chromium, through Playwright) renders the emblem and the name.
"""

import base64
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
EMBLEM = ROOT / "static" / "img" / "emblem.svg"
FONT = ROOT / "static" / "fonts" / "noto-sans-latin-wght.woff2"
FONT_EXT = ROOT / "static" / "fonts" / "noto-sans-latin-ext-a-wght.woff2"
OUT = ROOT / "static" / "img" / "share.png"


def data_url(path, kind):
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
@font-face {{ font-family: S; src: url({font}); font-weight: 100 900; }}
@font-face {{ font-family: S; src: url({font_ext}); font-weight: 100 900;
  unicode-range: U+0100-0130, U+0132-017F, U+018F, U+0259; }}
html, body {{ margin: 0; width: 1200px; height: 630px; }}
body {{ font-family: S, sans-serif; background: #0b3a5d; color: #fff; display: flex;
  align-items: center; gap: 56px; padding: 0 80px; box-sizing: border-box;
  border-top: 18px solid transparent;
  border-image: linear-gradient(to right, #00b5e2 0 33.33%, #ef3340 33.33% 66.66%,
    #509e2f 66.66%) 1; }}
img {{ width: 260px; height: 260px; flex: none; }}
h1 {{ font-size: 44px; line-height: 1.2; margin: 0 0 24px; font-weight: 700;
  border-left: 6px solid #c9a646; padding-left: 28px; }}
p {{ font-size: 30px; line-height: 1.3; margin: 0; padding-left: 34px; color: #dbe6f0; }}
</style></head><body><img src="{emblem}" alt="">
<div><h1>Qaçqınların və Məcburi Köçkünlərin İşləri üzrə Dövlət Komitəsi</h1>
<p>State Committee for Affairs of Refugees and Internally Displaced Persons</p></div>
</body></html>"""


def main():
    html = PAGE.format(
        font=data_url(FONT, "font/woff2"),
        font_ext=data_url(FONT_EXT, "font/woff2"),
        emblem=data_url(EMBLEM, "image/svg+xml"),
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(html)
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT))
        browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
