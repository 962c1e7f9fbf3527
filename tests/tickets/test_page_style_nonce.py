"""The ticket page's inline style runs under the Content-Security-Policy's nonce, not 'unsafe-inline'."""
import pytest

pytestmark = pytest.mark.django_db


def _style_nonce(response) -> str:
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert "unsafe-inline" not in directives["style-src"] and directives["style-src"].startswith("'self' 'nonce-")
    return directives["style-src"].split("'nonce-")[1].rstrip("'")


def test_ticket_page_style_carries_a_fresh_nonce_when_html(api, paid_order):
    pages = [api.get(f"/stores/orders/{paid_order.pk}/tickets/", HTTP_ACCEPT="text/html") for _ in range(2)]
    nonces = []
    for page in pages:
        assert page.status_code == 200
        nonce = _style_nonce(page)
        assert f'<style nonce="{nonce}">' in page.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
