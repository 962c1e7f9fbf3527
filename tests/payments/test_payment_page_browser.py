"""The payment page in a real browser: Debian's chromium, driven by Playwright, against a live
server. A buyer opens the order's link, asks for an M-Pesa prompt and watches the page turn to
paid, with its tickets, once the sandbox completes the payment; or pays by card through the
sandbox gateway, with and without JavaScript.

The browser runs in this thread's event loop, so the database is touched only before it starts;
afterwards everything goes through HTTP, as a buyer's would."""
import base64
import shutil

import httpx
import pytest

from tests.orders.conftest import Catalog, order_body

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which(CHROMIUM) is None,
                       reason="Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)"),
]
TIMEOUT_MS = 20_000


@pytest.fixture
def shop(live_server, settings):
    """A catalog, and a pay-later order placed through the API: its payment link."""
    settings.PUBLIC_BASE_URL = live_server.url
    settings.TICKET_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()  # the tickets page signs QR codes
    catalog = Catalog()
    body = order_body((catalog.vvip, 2), response_type="html", is_pay_later=True)
    answer = httpx.post(f"{live_server.url}/stores/orders/", json=body, timeout=30).json()
    assert answer["link"].startswith(f"{live_server.url}/payments/links/"), answer
    return answer


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


def _page(browser, *, javascript=True):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    problems = []
    def console(message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def test_buyer_pays_by_mpesa_and_sees_the_tickets(shop, browser, live_server):
    page, problems = _page(browser)
    page.goto(shop["link"])
    assert page.locator("#order-number").inner_text() == shop["order_number"]
    assert page.locator("#amount-due").inner_text() == "KES 9000.00"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone

    page.fill("#phone_number", "+254711222333")
    page.select_option("#method", "MPESA")
    page.click("#send-prompt")
    page.wait_for_selector("#waiting")
    assert "+254711222333" in page.locator("#waiting").inner_text()

    completed = httpx.post(f"{live_server.url}/payments/sandbox/complete/",
                           json={"order_number": shop["order_number"]}, timeout=30)
    assert completed.json()["order_status"] == "PAID", completed.text

    page.wait_for_selector("#paid")  # the page's poll saw the payment and reloaded
    assert page.locator("#order-state").inner_text() == "Paid"
    page.click("#tickets-link")
    page.wait_for_selector(".ticket img")
    assert page.locator(".ticket").count() == 2 and "VALID" in page.locator(".ticket").first.inner_text()
    assert problems == []


def test_buyer_pays_by_card_through_the_sandbox_gateway(shop, browser):
    page, problems = _page(browser)
    page.goto(shop["link"])
    page.click("#pay-by-card")  # our page posts the signed form to the gateway by itself
    page.wait_for_selector("#sandbox-card-form")
    assert "KES" in page.locator("h1").inner_text() and "9000.00" in page.locator("h1").inner_text()
    page.fill("#sandbox_card", "4111 1111 1111 1111")
    page.click("#sandbox-pay")  # the gateway posts the signed receipt back to our receipt page
    page.wait_for_selector("#receipt-outcome")
    assert page.locator("#receipt-heading").inner_text() == "Payment received"
    page.click("#back-to-order")
    page.wait_for_selector("#paid")
    assert page.locator("#tickets-link").is_visible()
    assert problems == []


def test_buyer_without_javascript_pays_by_card_with_the_buttons(shop, browser):
    page, problems = _page(browser, javascript=False)
    page.goto(shop["link"])
    page.click("#pay-by-card")
    page.click("#autopost button")  # without JavaScript the hand-over page waits for its button
    page.wait_for_selector("#sandbox-card-form")
    page.click("#sandbox-cancel")
    page.click("#autopost button")
    page.wait_for_selector("#receipt-outcome")
    assert page.locator("#receipt-heading").inner_text() == "Card payment cancelled"
    page.click("#back-to-order")
    page.wait_for_selector("#send-prompt")  # still payable
    assert problems == []
