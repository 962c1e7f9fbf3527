"""Message types are template files; SMS texts stay within one segment."""
import logging

import pytest

from notifications.models import OutboxMessage
from notifications.services import message_deliver
from notifications.sms.text import gsm7_length, sms_text_fit
from tests.notifications.helpers import pending_message

pytestmark = pytest.mark.django_db


def test_email_has_subject_text_and_html_with_plain_text_unescaped(mailoutbox):
    message = pending_message(channel="email", recipient="a@example.com",
                              context={"code": "12345", "first_name": "Zoë <O'Brien>", "ttl_minutes": 15})
    message_deliver(message_id=message.pk)
    email = mailoutbox[0]
    assert email.subject == "Your Mookh verification code"
    assert email.to == ["a@example.com"]
    assert "Hello Zoë <O'Brien>," in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Zoë &lt;O&#x27;Brien&gt;" in html and "<strong>12345</strong>" in html
    assert email.extra_headers["X-Mookh-Message-Id"] == str(message.pk)


def test_sms_rendered_from_its_template(smsoutbox):
    message = pending_message(template="password_reset_code", context={"code": "54321", "ttl_minutes": 15})
    message_deliver(message_id=message.pk)
    assert smsoutbox[0].to == "+254720111222"
    assert smsoutbox[0].body.startswith("Your Mookh password reset code is 54321. It expires in 15 minutes.")
    assert gsm7_length(smsoutbox[0].body) <= 160


def test_missing_template_makes_message_dead_at_once(smsoutbox):
    message = pending_message(template="removed_type")
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.DEAD, 1)
    assert message.last_error.startswith("template_error")


def test_short_text_kept_with_typographic_punctuation_made_gsm7():
    assert sms_text_fit("Karibu \u201cMookh\u201d \u2013 see you\u2026\n") == 'Karibu "Mookh" - see you...'


def test_long_gsm7_text_cut_at_a_word_to_one_segment_with_a_warning(caplog):
    text = "Order ABC123 paid. " + "Ticket for the Nairobi jazz night. " * 8
    with caplog.at_level(logging.WARNING, logger="notifications.sms.text"):
        fitted = sms_text_fit(text, label="order_paid")
    assert gsm7_length(fitted) <= 160 and fitted.endswith("...")
    assert fitted.startswith("Order ABC123 paid.")
    assert text.startswith(fitted[:-3])  # a word boundary: nothing rewritten
    assert "order_paid" in caplog.text


def test_extended_gsm7_characters_count_twice():
    assert gsm7_length("{}[]") == 8
    assert gsm7_length("x" * 80 + "€" * 40) == 160
    fitted = sms_text_fit("x" * 80 + "€" * 41)  # 162 septets
    assert fitted.endswith("...") and gsm7_length(fitted) <= 160


def test_text_needing_unicode_kept_to_70_characters():
    fitted = sms_text_fit("Asante sana \U0001f600 " * 10)
    assert len(fitted.encode("utf-16-le")) // 2 <= 70
