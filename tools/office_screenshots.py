"""Screenshots of the campaign office's forms for docs/user/office-forms.md (issue 15.4).

Takes them with Playwright and Debian's headless Chromium (/usr/bin/chromium-headless-shell,
which make test installs) from a server running
the demo with seed 001 taken to its decision (the other seeds stay at the review chain):

    jiangxuan demo --through decision --campaign changchun-jineng-2022 --addr 127.0.0.1:8154
    .venv/bin/python tools/office_screenshots.py http://127.0.0.1:8154 docs/user/img

It signs in as the demo offices (the demo's password), opens the numbers page, the notice
texts (a placeholder the certificate cannot use typed and refused), the specification
editor with a quota above its award typed (the message beside the line), a panel's
make-up and the list revision by name, and writes one PNG per page, each under 200 KB.
Nothing is saved: each form is only shown, or refused.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

PASSWORD = "Jiangxuan-Demo-2026!"  # noqa: S105 - the demo accounts' published password
JILIN = "jilin-gongjiang-2021"
CHANGCHUN = "changchun-jineng-2022"
LIMIT = 200 * 1024


def _sign_in(page: Page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _shoot(page: Page, out: Path, name: str, top: str | None = None, block: str = "start") -> None:
    """The viewport, scrolled so ``top`` (a selector) is at its top (``block``: or
    centre); under 200 KB."""
    if top:
        page.locator(top).first.evaluate(f"el => el.scrollIntoView({{block: '{block}'}})")
    path = out / f"{name}.png"
    page.screenshot(path=str(path))
    size = path.stat().st_size
    if size > LIMIT:
        raise SystemExit(f"{path}: {size} bytes, over {LIMIT}")
    print(f"{path} {size // 1024} KB")


def main(url: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium-headless-shell",
            args=["--no-sandbox", "--disable-gpu"],
        )
        page = browser.new_page(
            viewport={"width": 1100, "height": 760}, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        _sign_in(page, url, "jilin_office")
        page.goto(f"{url}/campaigns/{JILIN}/spec/numbers/")
        _shoot(page, out, "office-numbers")

        page.goto(f"{url}/campaigns/{JILIN}/spec/texts/")
        page.get_by_label("证书正文").fill("{name}同志：\n被授予“{award}”称号。{issuer}")
        page.get_by_label("修改理由").fill("证书加印发证机关")
        page.get_by_role("button", name="保存修改").click()
        _shoot(page, out, "office-texts", "fieldset:has(.field-errors)")
        page.goto(f"{url}/campaigns/{JILIN}/spec/texts/")
        _shoot(page, out, "office-texts-decision", "fieldset:has(legend:text-is('表彰决定'))")

        page.goto(f"{url}/campaigns/{JILIN}/spec/")
        editor = page.get_by_label("活动规范（YAML）")
        text = editor.input_value()
        bad = re.sub(r"(\n  - \{category: [^\n]*?max: )(\d+)", r"\g<1>99", text, count=1)
        editor.fill(bad if bad != text else text.replace("year: 2021", "year: 1921", 1))
        page.get_by_label("变更理由").fill("名额调整")
        page.get_by_role("button", name="保存活动规范").click()
        _shoot(page, out, "office-spec-editor", "#spec-errors")

        page.goto(f"{url}/experts/campaign/{JILIN}/panels/")
        _shoot(page, out, "office-panel-makeup", ".field:has(label:has-text('至少'))", "center")

        _sign_in(page, url, "changchun_office")
        page.goto(f"{url}/decisions/campaign/{CHANGCHUN}/")
        page.get_by_text("修订名单（生成新版本）").first.click()
        _shoot(page, out, "office-list-revision", "details[open]")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
