"""Names people type that end up in emails and texts sent to someone else.

Anyone can place an order in anyone's name, so a name must not be able to carry a message:
letters (any script), spaces and the punctuation names use, no links, no control characters.
"""
import re
import unicodedata

NAME_MAX_LENGTH = 100
# Punctuation real names use: O'Brien, Jean-Luc, J. R. Okello, Smith & Sons (for a company buyer).
NAME_PUNCTUATION = set(" '’.-,&()")
# "evil.example", "pay.me/x": a word, a dot and two or more letters is a host name, not a name.
HOST_LIKE = re.compile(r"[^\W\d_]{2,}\.[^\W\d_]{2,}", re.UNICODE)


def name_problem(text: str) -> str | None:
    """Why `text` is not acceptable as a person's name, or None when it is."""
    if len(text) > NAME_MAX_LENGTH:
        return f"Use at most {NAME_MAX_LENGTH} characters."
    for char in text:
        category = unicodedata.category(char)
        if not (category[0] in "LMN" or char in NAME_PUNCTUATION):
            return "Use letters, digits, spaces and ' . - , & ( ) only."
    if HOST_LIKE.search(text):
        return "A name cannot contain a web address."
    return None
