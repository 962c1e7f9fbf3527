"""Keep SMS texts to one segment: 160 GSM-7 characters, or 70 when any character needs UCS-2."""
import logging

logger = logging.getLogger(__name__)

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")  # each takes two septets
GSM7_SEGMENT = 160
UCS2_SEGMENT = 70
ELLIPSIS = "..."

# Typographic characters that would switch the whole text to UCS-2 (70 chars) for no gain.
GSM7_SUBSTITUTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ", "\u2009": " ",
    "\u200b": "", "\t": " ",
})


def gsm7_length(text: str) -> int | None:
    """Septets `text` takes in GSM-7, or None when it cannot be encoded in GSM-7."""
    length = 0
    for char in text:
        if char in GSM7_BASIC:
            length += 1
        elif char in GSM7_EXTENDED:
            length += 2
        else:
            return None
    return length


def ucs2_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _truncate(text: str, fits) -> str:
    """Cut at a word boundary so that text + ELLIPSIS fits; a code or number is never split."""
    cut = text
    while cut and not fits(cut + ELLIPSIS):
        space = cut.rstrip().rfind(" ")
        cut = cut[:space] if space > 0 else cut[:-1]
    return cut.rstrip(" ,;:-") + ELLIPSIS


def sms_text_fit(text: str, *, label: str = "") -> str:
    """Normalise whitespace and punctuation, and truncate to one SMS segment, with a warning."""
    text = " ".join(text.translate(GSM7_SUBSTITUTES).split())
    gsm = gsm7_length(text)
    if gsm is not None and gsm <= GSM7_SEGMENT or gsm is None and ucs2_length(text) <= UCS2_SEGMENT:
        return text
    if gsm is not None:
        fitted = _truncate(text, lambda t: gsm7_length(t) <= GSM7_SEGMENT)
    else:
        fitted = _truncate(text, lambda t: ucs2_length(t) <= UCS2_SEGMENT)
    logger.warning("SMS %s is %d characters, longer than one segment; truncated to %d",
                   label or "text", len(text), len(fitted))
    return fitted
