"""Drives the clerks' console (GET /console) in headless Chromium against a running gateway.

Run by the Swift test ConsoleBrowserTests, which starts the stub departments and two gateways
(the second signs an idle page out after a few seconds):
    .venv-tools/bin/python Tests/console/console_test.py --url http://127.0.0.1:PORT --idle-url http://127.0.0.1:PORT2 \
        --key KEY --client desk-1 --role clerk --out DIR
Exits 0 when every check passed; otherwise prints what failed and exits 1. Saves screenshots
(console.png: LA2023101's odd one out; findings.png, loading.png, print.png, batch.png, signed-out.png) and case-file.pdf
in DIR, and prints one line `CASE-FILE {"request_id": ..., "digest": ..., "batch_request_id": ..., "batch_digest": ...}`:
the printed dossier's and the printed batch's request ids and the SHA-256 their case-file headers
show (null when none is shown), for the Swift test to check against the audit log.

LA2023002's house record carries fields no view names (the Swift test serves a fixture copy with
them), so the gateway's own `withheld` list reaches the page.
"""
import argparse
import base64
import json
import os
import re
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PURPOSE = "登记案件 2026-0042"
ZONE = "Asia/Shanghai"


# Adds a `withheld` list to the house section of every dossier answer (and an empty one to the others).
WITHHOLD_IN_ANSWERS = """
window.originalFetch = window.fetch;
window.fetch = async (...args) => {
  const response = await window.originalFetch(...args);
  if (!String(args[0]).endsWith("/dossier")) return response;
  const body = await response.json();
  for (const [name, section] of Object.entries(body.sources)) {
    if (section.status === "ok") section.withheld = name === "house" ? ["/ownership/owners/*/spouse", "/loan"] : [];
  }
  body.sources.house.withheld_more = 1;
  return new Response(JSON.stringify(body), {status: response.status, headers: response.headers});
};
"""


def browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            sys.exit(f"FAIL: {path} is missing; run: bash .ci/install-test-tools")
    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1360,1000", "--lang=zh-CN", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    # The clerk's desk is in China; the gateway answers in UTC.
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ZONE})
    return driver


class ConsoleCheck:
    def __init__(self, driver, arguments):
        self.driver = driver
        self.url = arguments.url.rstrip("/")
        self.idle_url = arguments.idle_url.rstrip("/")
        self.key = arguments.key
        self.client = arguments.client
        self.role = arguments.role
        self.out = arguments.out
        self.wait = WebDriverWait(driver, 10)

    def expect(self, condition, message):
        if not condition:
            raise AssertionError(message)

    def find(self, selector, within=None):
        return (within or self.driver).find_element(By.CSS_SELECTOR, selector)

    def find_all(self, selector, within=None):
        return (within or self.driver).find_elements(By.CSS_SELECTOR, selector)

    def screenshot(self, name):
        self.driver.save_screenshot(os.path.join(self.out, name))

    def sign_in_form(self, key):
        """Types key and purpose by keyboard: the key field has the focus first, Tab moves on."""
        driver = self.driver
        self.expect(driver.switch_to.active_element.get_attribute("id") == "api-key", "the API key field should have the focus first")
        driver.switch_to.active_element.send_keys(key, Keys.TAB)
        driver.switch_to.active_element.send_keys(PURPOSE, Keys.TAB)

    def type_id(self, property_id):
        field = self.find("#property-id")
        self.expect(self.driver.switch_to.active_element == field, "the property id field should have the focus")
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(property_id, Keys.ENTER)

    def settled(self, property_id):
        try:
            self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'.dossier[data-property-id="{property_id}"]:not(.pending)')
                            or not d.find_element(By.ID, "message").get_attribute("hidden"))
        except TimeoutException:
            raise AssertionError(f"no dossier or message rendered for {property_id}")
        self.wait.until(lambda d: d.find_element(By.ID, "submit").is_enabled())
        self.expect(self.find("#results").get_attribute("aria-busy") == "false", "results should not be busy once answered")

    def look_up(self, property_id):
        self.type_id(property_id)
        self.settled(property_id)

    def cards(self):
        return {card.get_attribute("data-source"): card for card in self.find_all("#results .source-card")}

    def findings(self):
        return [(item.get_attribute("data-code"), item.get_attribute("class").split()[-1]) for item in self.find_all("#results .finding")]

    def overall(self):
        return self.find("#results .overall")

    def row(self, card, pointer):
        return self.find(f'tr[data-pointer="{pointer}"]', card)

    def one_line(self, element):
        """True when the element's text takes one line box (not cut into a column of characters)."""
        return self.driver.execute_script(
            "const range = document.createRange(); range.selectNodeContents(arguments[0]);"
            "const boxes = [...range.getClientRects()].filter(r => r.width > 0);"
            "return boxes.length > 0 && Math.max(...boxes.map(r => r.top)) < Math.min(...boxes.map(r => r.bottom));", element)

    def nothing_cut(self):
        """No department's card hides part of its table behind a horizontal scroll bar."""
        cut = self.driver.execute_script(
            "return [...document.querySelectorAll('#results .source-card')].filter(c => c.scrollWidth > c.clientWidth + 1)"
            ".map(c => c.dataset.source + ' ' + c.scrollWidth + '>' + c.clientWidth)")
        self.expect(not cut, f"cards wider than their place (part of a value hidden): {cut}")

    def stored_nothing(self):
        kept = self.driver.execute_script("return [localStorage.length, sessionStorage.length, document.cookie, location.href]")
        self.expect(kept[:3] == [0, 0, ""], f"the console must not store anything: {kept}")
        self.expect(self.key not in kept[3], "the key must not be in the URL")

    def run(self):
        driver = self.driver
        driver.get(self.url + "/")
        self.expect(driver.current_url == self.url + "/console", f"/ should lead to the console, not {driver.current_url}")
        self.expect("Property dossier" in driver.title, f"unexpected title {driver.title!r}")
        self.expect(not self.find("#session").is_displayed(), "nobody is signed in before the first answer")
        self.sign_in_form(self.key)

        # An ordinary property: labels, local time, signed in, green only when there is nothing to check.
        self.look_up("LA2023001")
        cards = self.cards()
        self.expect(list(cards) == ["land", "tax", "house"], f"cards {list(cards)} should be land, tax, house")
        for name, card in cards.items():
            self.expect(card.get_attribute("data-status") == "ok", f"{name} card should be ok")
            self.expect("正常" in self.find(".badge", card).text and "OK" in self.find(".badge", card).text, f"{name} badge in both languages")
        land = cards["land"]
        holder = self.find('tr[data-pointer="/right_holder"] > th', land)
        self.expect("权利人" in holder.text and "Right holder" in holder.text, f"label of right_holder: {holder.text!r}")
        self.expect(holder.get_attribute("title").startswith("right_holder"), "the raw key shows on hover")
        self.expect("张*" in land.text and "340102********1234" in land.text, "land card should show the masked owner")
        self.expect("张三" not in driver.page_source and "340102199001011234" not in driver.page_source, "unmasked data on the page")
        self.expect("梧桐苑" in cards["house"].text, "house card should show nested data")
        # Four levels down, an owner's ID card number is on one line, not a column of single characters.
        owner_id = self.find('tr[data-pointer="/ownership/owners/0/id_card"] > td', cards["house"])
        self.expect(owner_id.text == "340102********1234" and self.one_line(owner_id), f"the owner's ID card on one line: {owner_id.text!r}")
        self.nothing_cut()
        driver.set_window_size(1280, 1000)
        self.nothing_cut()
        driver.set_window_size(1360, 1000)
        paid = self.find('tr[data-pointer="/assessments/0/paid"] > td', cards["tax"])
        self.expect("是" in paid.text and "yes" in paid.text and "true" not in paid.text, f"a flag in words: {paid.text!r}")
        self.expect(self.findings() == [], f"LA2023001 should have no findings, not {self.findings()}")
        self.expect(self.find_all("#results .no-findings.clean"), "LA2023001 should say no inconsistencies were found")
        self.expect("complete" in self.overall().get_attribute("class").split(), "a clean complete dossier is green")
        shown_time = self.find("#results .dossier-head .time").text
        self.expect("GMT+8" in shown_time and ZONE in shown_time, f"time in the browser's zone, zone shown: {shown_time!r}")
        session = self.find("#session")
        self.expect(session.is_displayed() and f"signed in as {self.client} ({self.role})" in session.text, f"session: {session.text!r}")
        self.expect(not self.find("#key-field").is_displayed() and self.find("#api-key").get_attribute("value") == "",
                    "once signed in the key field is gone and empty")
        self.stored_nothing()

        # A critical finding: the odd department is named, the compared fields are marked; never green.
        self.look_up("LA2023101")
        self.expect(self.findings() == [("owner_name_mismatch", "critical")], f"LA2023101 findings: {self.findings()}")
        finding = self.find("#results .finding")
        self.expect("权利人姓名不一致" in finding.text and "税务局" in finding.text and "Tax bureau" in self.find(".differs", finding).text,
                    f"the finding names the tax bureau as the odd one out: {finding.text!r}")
        cards = self.cards()
        self.expect("odd-one-out" in cards["tax"].get_attribute("class") and "odd-one-out" not in cards["land"].get_attribute("class"),
                    "only the tax card is marked as differing")
        for source, pointer, differs in (("land", "/right_holder/name", False), ("tax", "/taxpayer/name", True),
                                         ("house", "/ownership/owners/0/name", False)):
            classes = self.row(cards[source], pointer).get_attribute("class").split()
            self.expect("compared" in classes and ("differs" in classes) == differs, f"{source} {pointer}: {classes}")
        self.expect("compared" not in self.row(cards["land"], "/right_holder/id_card").get_attribute("class").split(),
                    "a field no finding compared is not marked")
        overall = self.overall()
        self.expect("complete" not in overall.get_attribute("class").split() and "1" in overall.text,
                    f"complete beside a critical finding is not green: {overall.get_attribute('class')} {overall.text!r}")
        self.screenshot("console.png")

        # A slow lookup: the old dossier goes at once, each department's card waits, then all fill in.
        self.type_id("LA-FAULT-TAX-TIMEOUT")
        self.wait.until(lambda d: d.find_element(By.ID, "results").get_attribute("aria-busy") == "true")
        self.expect(not self.find_all('.dossier[data-property-id="LA2023101"]'), "the previous dossier is removed while loading")
        pending = self.find_all("#results .source-card.pending")
        self.expect([card.get_attribute("data-source") for card in pending] == ["land", "tax", "house"], "a waiting card per department")
        self.expect("Fetching LA-FAULT-TAX-TIMEOUT" in self.find("#results").text and "等待" in pending[0].text, "says what is being fetched")
        self.expect(not self.find("#submit").is_enabled() and not self.find("#batch-submit").is_enabled(),
                    "one lookup at a time: both buttons wait")
        self.screenshot("loading.png")
        self.settled("LA-FAULT-TAX-TIMEOUT")
        self.expect(self.find("#batch-submit").is_enabled(), "the answer frees the batch button too")
        # A lookup started from the recent list while another runs supersedes it and frees the buttons.
        self.type_id("LA-FAULT-TAX-TIMEOUT")
        self.wait.until(lambda d: d.find_element(By.ID, "results").get_attribute("aria-busy") == "true")
        self.find_all("#recent .recent-entry")[-1].click()
        self.settled("LA2023001")
        self.expect(self.find("#submit").is_enabled() and self.find("#batch-submit").is_enabled(), "no button left waiting")
        self.type_id("LA-FAULT-TAX-TIMEOUT")
        self.settled("LA-FAULT-TAX-TIMEOUT")
        cards = self.cards()
        self.expect(cards["tax"].get_attribute("data-status") == "timeout", "tax card should be timeout")
        failure = self.find(".failure", cards["tax"]).text
        self.expect("超时" in failure and "Timed out" in failure and "1500 毫秒内未答复" in failure and "no response within 1500 ms" in failure,
                    f"tax timeout message and detail in both languages: {failure!r}")
        self.expect("超时" in self.find(".badge", cards["tax"]).text, "the badge is not a raw code")
        self.expect(cards["land"].get_attribute("data-status") == "ok", "land should still be ok")
        self.expect("档案不完整" in self.overall().text, "dossier should say incomplete")
        skipped = self.find("#results .skipped")
        arrears = self.find('.skipped-check[data-code="tax_arrears"]', skipped)
        self.expect("存在欠缴税款" in arrears.text and "unpaid tax on record" in arrears.text and "相关部门未提供数据" in arrears.text,
                    f"a skipped check is named in words, with why: {arrears.text!r}")
        self.expect("tax_arrears" not in skipped.text and arrears.get_attribute("title").startswith("tax_arrears"),
                    f"the check's code only on hover: {skipped.text!r}")
        self.expect(not self.find_all("#results .no-findings.clean"), "checks that could not run are not 'no inconsistencies'")

        self.look_up("LA2023005")
        self.expect(self.findings() == [("house_seized", "critical"), ("land_mortgaged", "warning")], f"LA2023005 findings: {self.findings()}")
        overall = self.overall()
        self.expect("attention" in overall.get_attribute("class").split() and "档案不完整，且有 2 项需核实" in overall.text,
                    f"incomplete with findings says both: {overall.text!r}")
        self.expect("该部门无此不动产记录" in self.cards()["tax"].text, "tax card should say the department has no record")
        self.expect("compared" in self.row(self.cards()["house"], "/seizure/status").get_attribute("class"), "the seizure status is marked")
        self.screenshot("findings.png")

        # Withheld fields, as the gateway sends them: LA2023002's house record has three fields no view names.
        self.look_up("LA2023002")
        cards = self.cards()
        note = self.find(".withheld-note", cards["house"]).text
        self.expect("已隐去 3 项" in note and "3 withheld" in note, f"the house card counts what was withheld: {note!r}")
        self.expect("权属 › 所有权人 › spouse" in note and "楼栋 › elevator" in note and "/ownership" not in note,
                    f"withheld fields are named by their labels, not their paths: {note!r}")
        for pointer, key in (("/ownership/owners/0", "spouse"), ("/building", "elevator"), ("", "loan")):
            within = self.find(f'tr[data-pointer="{pointer}"]', cards["house"]) if pointer else cards["house"]
            markers = [row.text for row in self.find_all(".withheld-row", within) if key in row.text]
            self.expect(markers and "已隐去" in markers[0], f"a marker where {key} would be: {markers}")
        marker = self.find(".withheld", self.find('tr[data-pointer="/ownership/owners/0"] .withheld-row', cards["house"]))
        self.expect(self.one_line(marker), "the withheld marker is on one line")
        self.expect(not self.find_all(".withheld-row", cards["land"]) and not self.find_all(".withheld-note", cards["tax"]),
                    "sections without withheld fields have no marker")
        self.nothing_cut()
        self.screenshot("withheld.png")

        # `withheld_more` (more paths than the gateway lists) is counted too: given here to an answer.
        driver.execute_script(WITHHOLD_IN_ANSWERS)
        try:
            self.look_up("LA2023001")
            house = self.cards()["house"]
            note = self.find(".withheld-note", house).text
            self.expect("已隐去 3 项" in note and "3 withheld" in note, f"the card counts what was withheld: {note!r}")
            marker = self.find('tr[data-pointer="/ownership/owners/0"] .withheld-row', house)
            self.expect("spouse" in marker.text and "已隐去" in marker.text and "withheld" in marker.text,
                        f"a marker where the owner's spouse would be: {marker.text!r}")
            self.expect(not self.find_all(".withheld-row", self.cards()["land"]), "a section without withheld fields has no marker")
            self.expect(not self.find_all(".withheld-note", self.cards()["tax"]), "nor a note")
        finally:
            driver.execute_script("window.fetch = window.originalFetch;")

        # Known nowhere: said plainly, and no green "no inconsistencies" beside it.
        self.look_up("LA2099999")
        overall = self.overall()
        self.expect("各部门均无此不动产记录" in overall.text and "not found in any department" in overall.text, f"not found: {overall.text!r}")
        self.expect(not self.find_all("#results .no-findings.clean") and self.find_all("#results .no-findings.unknown"),
                    "all-not-found has nothing to check")
        self.expect(not self.find_all("#results .skipped"), "nor a list of the checks that could not run beside it")

        # The case file: printed, it has the header and no inputs or buttons.
        self.look_up("LA2023101")
        request_id = self.find("#results .dossier-head .meta:not(.time)").text.split()[-1]
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            for element in self.find_all("input, button, textarea, select, header, aside"):
                self.expect(not element.is_displayed(), f"printed page shows a {element.tag_name} {element.get_attribute('id')!r}")
            case_file = self.find("#results .case-file")
            self.expect(case_file.is_displayed(), "the case-file header is printed")
            text = case_file.text
            for expected in (PURPOSE, self.client, self.role, request_id, "GMT+8", ZONE):
                self.expect(expected in text, f"case file lacks {expected!r}: {text!r}")
            digest = re.search(r"\b[0-9a-f]{64}\b", text)
            self.screenshot("print.png")
            pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})["data"])
            with open(os.path.join(self.out, "case-file.pdf"), "wb") as file:
                file.write(pdf)
            # A4, and no page left blank before a card too long to keep whole (it was 7 Letter pages).
            pages = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
            self.expect(pages and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in pages), f"A4 pages: {pages[:2]}")
            self.expect(len(pages) <= 5, f"LA2023101's case file takes {len(pages)} pages")
        finally:
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        self.expect(not self.find("#results .case-file").is_displayed(), "the case-file header is for paper only")
        case_file = {"request_id": request_id, "digest": digest.group(0) if digest else None}

        # A batch: a summary table, one row per id, each opening its dossier; not five dossiers stacked.
        ids = ["LA2023001", "LA2023101", "LA2023005", "LA2099999", "LA2023003"]
        self.find("#batch-panel summary").click()
        self.find("#batch-ids").send_keys("LA2023001\nLA/2023\n")
        self.find("#batch-submit").click()
        message = self.find("#message").text
        self.expect("LA/2023" in message and "not a property id" in message and not self.find_all("#results .batch-summary"),
                    f"a malformed id in a batch is named as typed: {message!r}")
        self.find("#batch-ids").clear()
        self.find("#batch-ids").send_keys("\n".join(ids))
        self.find("#batch-submit").click()
        try:
            self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results .batch-summary"))
        except TimeoutException:
            raise AssertionError("no batch summary")
        rows = self.find_all("#results .batch-row")
        self.expect([row.get_attribute("data-property-id") for row in rows] == ids, "one row per id, in order")
        cells = {row.get_attribute("data-property-id"): [cell.text for cell in self.find_all("td", row)] for row in rows}
        self.expect(cells["LA2023101"][3] == "1" and cells["LA2023101"][4] == "0", f"LA2023101 row: {cells['LA2023101']}")
        self.expect(cells["LA2023005"][3:5] == ["1", "1"] and "税务局" in cells["LA2023005"][6], f"LA2023005 row: {cells['LA2023005']}")
        self.expect(cells["LA2023003"][4] == "1" and cells["LA2023001"][6] == "—", f"rows: {cells}")
        self.expect("各部门均无记录" in cells["LA2099999"][1], f"LA2099999 row: {cells['LA2099999']}")
        counts = self.find("#results .batch-counts").text
        self.expect("3 个需核实，1 个不完整，1 个无可用档案" in counts and "1 incomplete, 1 without a usable dossier" in counts,
                    f"the batch's counts: {counts!r}")
        self.expect("Departments without data" in self.find("#results .batch-summary thead").text, "a department with no record did answer")
        self.expect(not self.find_all("#results .dossier"), "no dossier is open until a row is chosen")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        self.expect(height < 1400, f"a batch of five is a short table, not {height} px")
        self.find('.batch-row[data-property-id="LA2023101"] .open-dossier').click()
        self.expect([d.get_attribute("data-property-id") for d in self.find_all("#batch-detail .dossier")] == ["LA2023101"], "the row opens its dossier")
        self.find('.batch-row[data-property-id="LA2023005"] .open-dossier').click()
        self.expect([d.get_attribute("data-property-id") for d in self.find_all("#batch-detail .dossier")] == ["LA2023005"], "one dossier at a time")
        self.screenshot("batch.png")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            printed = self.find("#results .batch-summary").text
            self.expect(all(property_id in printed for property_id in ids), f"the printed table keeps the ids as text: {printed!r}")
            self.expect(not any(button.is_displayed() for button in self.find_all("#results button")), "no button on paper")
            # The table prints under a case-file header of its own: the case, the client, the batch's audit record.
            batch_case_file = self.find("#results .batch > .case-file")
            text = batch_case_file.text
            self.expect(batch_case_file.is_displayed() and all(expected in text for expected in (PURPOSE, self.client, "Batch request id", ZONE)),
                        f"the batch's case-file header: {text!r}")
            case_file["batch_request_id"] = re.search(r"Batch request id\s+(\S+)", text).group(1)
            batch_digest = re.search(r"\b[0-9a-f]{64}\b", text)
            case_file["batch_digest"] = batch_digest.group(0) if batch_digest else None
            item_case_file = self.find("#batch-detail .case-file")
            self.expect(item_case_file.is_displayed() and "LA2023005" in item_case_file.text and "Request id" in item_case_file.text,
                        f"the opened dossier prints with its own request id: {item_case_file.text!r}")
        finally:
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

        print("CASE-FILE " + json.dumps(case_file))

        # The page's recent lookups: newest first, no personal data; one click looks up again.
        recent = self.find("#recent-panel")
        entries = self.find_all("#recent .recent-entry")
        self.expect(recent.is_displayed() and len(entries) == 11, f"recent lookups: {len(entries)}")
        nowhere = [entry.text for entry in entries if "LA2099999" in entry.text]
        self.expect(nowhere and "not found" in nowhere[0] and "HTTP" not in nowhere[0], f"a verdict, not a status code: {nowhere}")
        self.expect("batch of 5" in entries[0].text and "LA2023101" in entries[1].text, f"newest first: {[e.text for e in entries[:2]]}")
        self.expect("张" not in recent.text and "340102" not in recent.text, "no personal data in the recent list")
        self.find_all("#recent .recent-entry")[-1].click()
        self.settled("LA2023001")
        self.expect(len(self.find_all("#recent .recent-entry")) == 12, "the repeated lookup is remembered too")

        # Sign-out: the key, the results and the recent lookups are gone; a lookup asks for a key again.
        self.find("#sign-out").click()
        self.expect(not self.find("#session").is_displayed() and self.find("#key-field").is_displayed(), "signed out")
        self.expect(self.find("#results").text == "" and not self.find("#recent-panel").is_displayed(), "nothing of the session is left")
        self.expect(self.find("#api-key").get_attribute("value") == "" and self.find("#purpose").get_attribute("value") == "", "fields cleared")
        self.expect(driver.switch_to.active_element.get_attribute("id") == "api-key", "the key field has the focus")
        self.screenshot("signed-out.png")
        self.find("#purpose").send_keys(PURPOSE)
        self.find("#property-id").send_keys("LA2023001", Keys.ENTER)
        message = self.find("#message").text
        self.expect("请输入 API 密钥" in message, f"after sign-out a lookup needs the key again: {message!r}")

        # A wrong key: the 401 message, nobody signed in, nothing kept.
        self.find("#api-key").send_keys("not-a-valid-key")
        self.find("#property-id").click()
        self.find("#property-id").send_keys(Keys.ENTER)
        self.wait.until(lambda d: "API 密钥缺失或无效" in d.find_element(By.ID, "message").text)
        message = self.find("#message").text
        self.expect("API 密钥无效" in message and "详情（英文）" not in message, f"the gateway's detail in both languages: {message!r}")
        self.expect(not self.find("#session").is_displayed(), "a wrong key signs nobody in")
        self.expect(not self.find("#recent-panel").is_displayed(), "a refused key looked nothing up: nothing to remember")
        self.stored_nothing()

        # Idle: a page left alone signs itself out (the second gateway's console.idle_sign_out_s is short).
        driver.get(self.idle_url + "/console")
        self.sign_in_form(self.key)
        self.look_up("LA2023001")
        self.expect(self.find("#session").is_displayed(), "signed in on the idle gateway")
        try:
            WebDriverWait(driver, 15).until(lambda d: not d.find_element(By.ID, "session").is_displayed())
        except TimeoutException:
            raise AssertionError("an idle page did not sign out")
        message = self.find("#message").text
        self.expect(self.find("#results").text == "" and "长时间未操作" in message, "idle sign-out clears the page")
        self.expect("3 秒无操作" in message and "0 分钟" not in message, f"the idle time as it was set: {message!r}")

        errors = [entry["message"] for entry in driver.get_log("browser")
                  if entry["level"] == "SEVERE" and not re.search(r"\b(401|404)\b", entry["message"])]
        self.expect(not errors, f"browser errors (CSP violations?): {errors}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--idle-url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--client", required=True)
    parser.add_argument("--role", required=True)
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    driver = browser()
    try:
        ConsoleCheck(driver, arguments).run()
    except AssertionError as failure:
        print(f"FAIL: {failure}")
        driver.save_screenshot(os.path.join(arguments.out, "console-failure.png"))
        sys.exit(1)
    finally:
        driver.quit()
    print(f"PASS: console checked in Chromium; screenshots in {arguments.out}")


if __name__ == "__main__":
    main()
