"""Ids in paths: every catalog id is a UUID, so a malformed one is a 404 from routing, never a database error."""

UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class UuidLookup:
    """A viewset whose detail routes match only a UUID (DRF's router reads `lookup_value_regex`)."""

    lookup_value_regex = UUID_PATTERN
