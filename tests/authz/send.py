"""Send one request as one caller, then undo whatever it wrote, so that every row meets the same world."""
from django.core.cache import cache
from django.db import transaction

from tests.authz.requests import Call, calls
from tests.authz.world import World


def send(world: World, caller: str, method: str, call: Call, inspect=None):
    """The response; `inspect(response)`, when given, runs before the request's writes are undone."""
    # Throttles count in the cache: cleared, they never decide the outcome; the matrix is about who may do what.
    cache.clear()
    undone = transaction.atomic()
    # Like a test case's own transaction, this one stands for autocommit: provider calls may run inside it.
    undone._from_testcase = True
    with undone:
        client = world.client(caller)
        response = getattr(client, method.lower())(call.path, call.body, format=call.format)
        if inspect is not None:
            inspect(response)
        transaction.set_rollback(True)
    return response


def outcome(response) -> int | str:
    """The status; for a 200 list its count ("n=2"), for a batch its first scan's status ("checked_in"),
    where the status alone says too little."""
    if (response.status_code != 200 or response.streaming or not response.content
            or "json" not in response.get("Content-Type", "")):
        return response.status_code
    body = response.json()
    if isinstance(body, dict) and "count" in body:
        return f"n={body['count']}"
    if isinstance(body, dict) and body.get("object") == "list":  # the Voucherify-compatible list
        return f"n={body['total']}"
    if isinstance(body, dict) and isinstance(body.get("results"), list) and body["results"]:
        return body["results"][0].get("status")
    return 200


def outcomes(world: World, name: str, method: str, callers) -> dict[str, int | str]:
    """What each caller gets; the request is rebuilt for each (an upload is read once)."""
    return {caller: outcome(send(world, caller, method, calls(world)[(name, method)])) for caller in callers}
