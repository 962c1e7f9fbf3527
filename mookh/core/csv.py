"""CSV cells that spreadsheets will not run as formulas."""

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """`value` as a CSV cell; one that a spreadsheet would run as a formula gets a leading "'".

    OWASP's advice against CSV injection. None becomes "". The cell is escaped even when it is a
    harmless negative number ("-5" becomes "'-5"): exports are text, not numbers to recompute.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text
