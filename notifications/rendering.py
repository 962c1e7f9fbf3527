"""Message types are templates: adding one is adding files, no code.

A message type `<name>` is the set of files under any app's `templates/notifications/`:

    <name>.subject.txt   email subject (whitespace collapsed to one line)
    <name>.txt           email plain-text body
    <name>.html          email HTML alternative (optional)
    <name>.sms.txt       SMS text (kept to one SMS where possible, see notifications.sms.text)

`.txt` templates render without HTML autoescaping; `.html` ones escape as usual. The
context is the JSON stored on the outbox row, so it holds strings, numbers, lists, dicts.
"""
from dataclasses import dataclass

from django.template import Context, TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template, render_to_string

from notifications.errors import PermanentDeliveryError
from notifications.sms.text import sms_text_fit

CHANNEL_REQUIRED_SUFFIXES = {"email": (".subject.txt", ".txt"), "sms": (".sms.txt",)}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str | None


class UnknownMessageTemplate(ValueError):
    """A programming error: the code enqueued a message type that has no template files."""


def message_template_check(*, channel: str, template: str) -> None:
    """Fail at enqueue time, in the caller's tests, rather than as a DEAD message later."""
    for suffix in CHANNEL_REQUIRED_SUFFIXES[channel]:
        name = f"notifications/{template}{suffix}"
        try:
            get_template(name)
        except TemplateDoesNotExist as exc:
            raise UnknownMessageTemplate(f"No template {name} for {channel} message type {template!r}.") from exc


def _plain(name: str, context: dict) -> str:
    # Plain text must not be HTML-escaped: "O'Brien" stays "O'Brien" in an email or SMS.
    return get_template(name).template.render(Context(context, autoescape=False))


def email_render(*, template: str, context: dict) -> RenderedEmail:
    base = f"notifications/{template}"
    try:
        subject = " ".join(_plain(f"{base}.subject.txt", context).split())
        text = _plain(f"{base}.txt", context)
        try:
            html = render_to_string(f"{base}.html", context)
        except TemplateDoesNotExist:
            html = None
    except (TemplateDoesNotExist, TemplateSyntaxError) as exc:
        raise PermanentDeliveryError(f"template {base}: {exc}", code="template_error") from exc
    return RenderedEmail(subject=subject, text=text, html=html)


def sms_render(*, template: str, context: dict) -> str:
    name = f"notifications/{template}.sms.txt"
    try:
        text = _plain(name, context)
    except (TemplateDoesNotExist, TemplateSyntaxError) as exc:
        raise PermanentDeliveryError(f"template {name}: {exc}", code="template_error") from exc
    return sms_text_fit(text, label=template)
