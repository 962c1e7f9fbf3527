"""Every operation of /api/schema/, fuzzed as anonymous, a store agent and the store's owner.

Positive cases (data the schema allows) use the world's ids in their paths, so that they reach
the code behind "not found"; negative cases (data the schema forbids) must be refused with a 4xx."""
import os

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, negative_data_rejection, positive_data_acceptance, response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.schema import operation_keys

# Cases per operation, role and mode in `make test`; `make fuzz` raises it.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
ROLES = ("anonymous", "agent", "owner")
FILE_FIELDS = ("event_poster", "file", "profile_photo", "thumbnail")


@schemathesis.check
def invalid_part_refused(ctx, response, case):
    """negative_data_rejection for a case with a part the schema forbids. A case generated as negative
    may turn out valid (schemathesis revalidates it once built and marks each part): then it is not
    negative data, and the API is right to accept it."""
    if case.meta is not None and (case.meta.phase.data.description == "Positive test case" or
                                  not any(part.mode.is_negative for part in case.meta.components.values())):
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          invalid_part_refused]
# Schema-valid data must not be refused as malformed (400). Judged for the store's owner, who may use
# every object the world's ids name: a caller without rights to one gets the contract's 400 naming the
# field ("Choose a store you own."), a refusal of the caller, not of the data's shape.
CHECKS_AS_OWNER = [*CHECKS, positive_data_acceptance]
# Operations whose schema-valid requests may still be refused with a 400 that is not about their
# shape: each is checked by every other check, and each reason says why the 400 is not a fault.
ACCEPTANCE_NOT_JUDGED = {
    ("POST", "/payments/callbacks/cybersource/"):
        "CyberSource signs its posts; an unsigned one is refused (400): a signature the schema cannot carry.",
    ("PUT", "/payments/callbacks/mtn/{reference}/"):
        "MTN's protocol: a callback for a reference naming no payment is acknowledged REJECTED with a 400.",
    ("POST", "/payments/callbacks/mtn/{reference}/"):
        "MTN's protocol: a callback for a reference naming no payment is acknowledged REJECTED with a 400.",
    ("POST", "/users/verification/"):
        "A wrong or expired one-time code is a 400 naming `code` (contract): a secret, not a shape.",
    ("POST", "/users/password/reset/confirm/"):
        "A wrong or expired one-time code is a 400 naming `code` (contract): a secret, not a shape.",
    ("POST", "/users/user/"):
        "An email already registered is a 400 (contract: duplicate email): the world's state, not a shape.",
    ("POST", "/stores/event/"): "An event must not end before it starts: a rule across fields.",
    ("POST", "/stores/event/public/"): "An event must not end before it starts: a rule across fields.",
    ("PUT", "/stores/event/{id}/"): "An event must not end before it starts: a rule across fields.",
    ("POST", "/stores/tickets/"): "Sales must not end before they start: a rule across fields.",
    ("PUT", "/stores/tickets/{id}/"): "Sales must not end before they start: a rule across fields.",
    ("PATCH", "/stores/event/{id}/"):
        "The event's end must not come before its start, the stored one when only one is sent: a rule "
        "across fields and the stored event.",
    ("PATCH", "/stores/tickets/{id}/"):
        "Sales must not end before they start, the stored start when only the end is sent: a rule across "
        "fields and the stored ticket type.",
    ("POST", "/stores/orders/{id}/refund/"):
        "`amount` must be above 0 (null: everything refundable); a decimal string's pattern cannot say "
        "\"not zero\" without a lookahead.",
    ("POST", "/stores/schedule/"): "A schedule must not end before it starts: a rule across fields.",
    ("PATCH", "/stores/schedule/{id}/"):
        "A schedule must not end before it starts, the stored start when only the end is sent.",
    ("PUT", "/stores/schedule/{id}/"): "A schedule must not end before it starts: a rule across fields.",
    ("POST", "/v1/orders"): "discount_amount must not exceed amount: a rule across fields.",
    ("POST", "/stores/promo_codes/"): "A code must not end before it starts: a rule across fields.",
}
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _with_world_values(world, case):
    """A positive case with the world's objects where the schema can say only "a UUID" (conftest.World)."""
    if isinstance(case.body, (dict, list)):
        case.body = world.body_with_references(case.body)
    if case.media_type == "application/json" and isinstance(case.body, dict):
        # One component serves JSON and multipart: a file travels only in multipart.
        case.body = {key: value for key, value in case.body.items() if key not in FILE_FIELDS}
    if case.query:
        case.query = world.body_with_references(case.query)


def _fuzz(world, operation, mode, headers, path_parameters, checks):
    @SETTINGS
    @hypothesis.given(case=operation.as_strategy(mode, path_parameters=path_parameters))
    def run(case):
        cache.clear()  # throttles count in the cache: each case starts with none spent
        if mode is GenerationMode.POSITIVE:
            _with_world_values(world, case)
        case_checks = checks
        if case.media_type == "multipart/form-data":
            # A multipart part is text or a file, whatever the schema's type: a negated type (a number for
            # a string) arrives as text the field may take, and a null or an object as text it may not.
            # Neither judgement is about the schema there; JSON cases of the same operations are judged.
            case_checks = [check for check in checks if check not in (invalid_part_refused,
                                                                      positive_data_acceptance)]
        # Each case starts from the world as built: one case's writes (a code it created) never make
        # another's valid data a conflict.
        with transaction.atomic():
            case.call_and_validate(headers=headers, checks=case_checks)
            transaction.set_rollback(True)

    run()


OPERATIONS = operation_keys()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{method} {path}" for method, path in OPERATIONS])
def test_operation_keeps_to_its_schema(method, path, fuzz_operations, world):
    operation = fuzz_operations[method, path]
    failures = []
    judged = (method, path) not in ACCEPTANCE_NOT_JUDGED
    for role in ROLES:
        headers = world.headers(role, operation.path)
        checks = CHECKS_AS_OWNER if role == "owner" and judged else CHECKS
        for mode, path_parameters in ((GenerationMode.POSITIVE, world.path_parameters(operation.path)),
                                      (GenerationMode.NEGATIVE, None)):
            try:
                _fuzz(world, operation, mode, headers, path_parameters, checks)
            except hypothesis.errors.Unsatisfiable:
                if mode is GenerationMode.POSITIVE:
                    raise
                # Nothing the operation takes can be made invalid (no parameters, no body): no negative case.
            except Exception as exc:  # noqa: BLE001 - every role and mode is reported, not only the first
                failures.append(f"--- as {role}, {mode.value} data:\n{exc}")
    assert not failures, "\n".join(failures)
