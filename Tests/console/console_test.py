"""Drives the clerks' console (GET /console) in headless Chromium against a running gateway.

Run by the Swift test ConsoleBrowserTests, which starts the stub departments and a gateway:
    .venv-tools/bin/python Tests/console/console_test.py --url http://127.0.0.1:PORT --key KEY --out DIR
Exits 0 when every check passed; otherwise prints what failed and exits 1. Saves DIR/console.png.
"""
import argparse
import os
import sys

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
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


class ConsoleCheck:
    def __init__(self, driver, url):
        self.driver = driver
        self.url = url
        self.wait = WebDriverWait(driver, 10)

    def expect(self, condition, message):
        if not condition:
            raise AssertionError(message)

    def look_up(self, property_id):
        """Types the id into the (focused) property id field and presses Enter, as a clerk would."""
        field = self.driver.find_element(By.ID, "property-id")
        self.expect(self.driver.switch_to.active_element == field, "the property id field should have the focus")
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(property_id, Keys.ENTER)
        try:
            self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'.dossier[data-property-id="{property_id}"]')
                            or not d.find_element(By.ID, "message").get_attribute("hidden"))
        except TimeoutException:
            raise AssertionError(f"no dossier or message rendered for {property_id}")
        self.wait.until(lambda d: d.find_element(By.ID, "submit").is_enabled())

    def cards(self):
        return {card.get_attribute("data-source"): card for card in self.driver.find_elements(By.CSS_SELECTOR, ".source-card")}

    def findings(self):
        return [(item.get_attribute("data-code"), item.get_attribute("class").split()[-1])
                for item in self.driver.find_elements(By.CSS_SELECTOR, ".finding")]

    def run(self, out):
        driver = self.driver
        driver.get(self.url + "/console")
        self.expect("Property dossier" in driver.title, f"unexpected title {driver.title!r}")
        # Fill the form by keyboard: API key has the focus first, Tab moves to purpose, then to the id.
        self.expect(driver.switch_to.active_element.get_attribute("id") == "api-key", "the API key field should have the focus first")
        driver.switch_to.active_element.send_keys(self.key, Keys.TAB)
        driver.switch_to.active_element.send_keys(PURPOSE, Keys.TAB)

        self.look_up("LA2023001")
        cards = self.cards()
        self.expect(list(cards) == ["land", "tax", "house"], f"cards {list(cards)} should be land, tax, house")
        for name, card in cards.items():
            self.expect(card.get_attribute("data-status") == "ok", f"{name} card should be ok")
            self.expect("ms" in card.find_element(By.CSS_SELECTOR, ".latency").text, f"{name} card should show its latency")
        land = cards["land"].text
        self.expect("张*" in land and "340102********1234" in land, "land card should show the masked owner")
        self.expect("张三" not in driver.page_source and "340102199001011234" not in driver.page_source, "unmasked data on the page")
        self.expect("梧桐苑" in cards["house"].text, "house card should show nested data")
        self.expect(self.findings() == [], f"LA2023001 should have no findings, not {self.findings()}")
        self.expect(driver.find_elements(By.CSS_SELECTOR, ".no-findings"), "LA2023001 should say no inconsistencies were found")

        self.look_up("LA2023101")
        self.expect(self.findings() == [("owner_name_mismatch", "critical")], f"LA2023101 findings: {self.findings()}")
        self.expect("权利人姓名不一致" in driver.find_element(By.CSS_SELECTOR, ".finding").text, "finding message should be shown")

        self.look_up("LA-FAULT-TAX-TIMEOUT")
        cards = self.cards()
        self.expect(cards["tax"].get_attribute("data-status") == "timeout", "tax card should be timeout")
        failure = cards["tax"].find_element(By.CSS_SELECTOR, ".failure").text
        self.expect("超时" in failure and "Timed out" in failure, f"tax timeout message: {failure!r}")
        self.expect(cards["land"].get_attribute("data-status") == "ok", "land should still be ok")
        self.expect("档案不完整" in driver.find_element(By.CSS_SELECTOR, ".overall").text, "dossier should say incomplete")
        self.expect("tax_arrears" in driver.find_element(By.CSS_SELECTOR, ".skipped").text, "tax checks should be listed as skipped")

        self.look_up("LA2023005")
        self.expect(self.findings() == [("house_seized", "critical"), ("land_mortgaged", "warning")], f"LA2023005 findings: {self.findings()}")
        self.expect("该部门无此不动产记录" in self.cards()["tax"].text, "tax card should say the department has no record")
        screenshot = os.path.join(out, "console.png")
        driver.save_screenshot(screenshot)

        # Gateway problems: a bad key gets the 401 message, and nothing of the key is kept anywhere.
        driver.find_element(By.ID, "api-key").clear()
        driver.find_element(By.ID, "api-key").send_keys("not-a-valid-key")
        driver.find_element(By.ID, "property-id").click()
        self.look_up("LA2023001")
        message = driver.find_element(By.ID, "message").text
        self.expect("API 密钥缺失或无效" in message, f"401 message: {message!r}")
        kept = driver.execute_script(
            "return [localStorage.length, sessionStorage.length, document.cookie, location.href]")
        self.expect(kept[:3] == [0, 0, ""], f"the console must not store anything: {kept}")
        self.expect(self.key not in kept[3] and "not-a-valid-key" not in kept[3], "the key must not be in the URL")

        errors = [entry["message"] for entry in driver.get_log("browser")
                  if entry["level"] == "SEVERE" and "401" not in entry["message"]]
        self.expect(not errors, f"browser errors (CSP violations?): {errors}")
        return screenshot


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    driver = browser()
    try:
        check = ConsoleCheck(driver, arguments.url.rstrip("/"))
        check.key = arguments.key
        screenshot = check.run(arguments.out)
    except AssertionError as failure:
        print(f"FAIL: {failure}")
        driver.save_screenshot(os.path.join(arguments.out, "console-failure.png"))
        sys.exit(1)
    finally:
        driver.quit()
    print(f"PASS: console rendered every case; screenshot {screenshot}")


if __name__ == "__main__":
    main()
