"""What PostgreSQL can hold: its text and jsonb hold no NUL character, and jsonb no lone surrogate
(a str from JSON holds surrogates only unpaired: json.loads joins pairs), nor a number that is not finite."""
import math
import re

UNSTORABLE_CHARACTERS = re.compile(r"[\x00\ud800-\udfff]")
STAND_IN = "\ufffd"


def text_storable(text: str) -> str:
    """`text` with the characters PostgreSQL cannot hold replaced by U+FFFD."""
    return UNSTORABLE_CHARACTERS.sub(STAND_IN, text)


def json_storable(value):
    """`value` with every key and string made storable (text_storable)."""
    if isinstance(value, dict):
        return {text_storable(str(key)): json_storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_storable(item) for item in value]
    return text_storable(value) if isinstance(value, str) else value


def json_unstorable(value) -> str | None:
    """Why PostgreSQL's jsonb cannot hold `value` (a NUL character, a lone surrogate, a number that is
    not finite) anywhere in its keys and values, or None."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return "Text may not contain the NUL character."
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "Text may not contain a lone surrogate character."
        elif isinstance(item, float) and not math.isfinite(item):
            return "Numbers must be finite."
    return None
