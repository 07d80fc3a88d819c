"""Signs up in a real browser: headless Chromium, driven by Selenium (PyPI) through Debian's
chromedriver, opens the sign-up form that `newsletter serve` answers, fills it in, submits it,
waits for the confirmation mail in the test SMTP server's Maildir, follows its link, presses
the button and reads the welcome page. Prints what it saw as JSON on one line.

    python3 sign_up.py BASE_URL PUBLIC_BASE_URL MAILDIR ADDRESS NAME
"""

import email
import email.policy
import json
import os
import re
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def confirmation_link(maildir, address, timeout=20):
    """The link in the first message to `address`, once it arrives."""
    deadline = time.time() + timeout
    folder = os.path.join(maildir, "new")
    while time.time() < deadline:
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            with open(os.path.join(folder, name), "rb") as handle:
                message = email.message_from_binary_file(handle, policy=email.policy.default)
            if address not in str(message["To"]):
                continue
            for part in message.walk():
                if part.get_content_type() == "text/plain":
                    found = re.search(r"https?://\S+/confirm/\S+", part.get_content())
                    if found:
                        return found.group(0), str(message["Subject"])
        time.sleep(0.2)
    raise SystemExit("no confirmation mail arrived for " + address)


def main():
    base, public_base, maildir, address, name = sys.argv[1:6]
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    seen = {}
    try:
        wait = WebDriverWait(driver, 15)
        driver.get(base + "subscribe")
        seen["form_title"] = driver.title
        seen["list_checked"] = driver.find_element(By.CSS_SELECTOR, "input[name=list]").is_selected()
        driver.find_element(By.ID, "email").send_keys(address)
        driver.find_element(By.ID, "name").send_keys(name)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(expected_conditions.presence_of_element_located((By.TAG_NAME, "h2")))
        seen["after_submit"] = driver.find_element(By.TAG_NAME, "h2").text

        link, subject = confirmation_link(maildir, address)
        seen["subject"] = subject
        # The link points at the newsletter's public address; this server stands in for it.
        local = base + link[len(public_base):] if link.startswith(public_base) else link
        driver.get(local)
        seen["confirm_page"] = driver.find_element(By.TAG_NAME, "h2").text
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h2"), "Welcome"))
        seen["welcome"] = driver.find_element(By.TAG_NAME, "main").text
        driver.save_screenshot(os.path.join(maildir, "welcome.png"))
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
