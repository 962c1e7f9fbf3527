"""What the soak must prove once the worker has drained: no 5xx, nothing lost, nothing twice.

Each check is (what was checked with its figures, whether it holds).
"""
from datetime import timedelta

from benchmarks.soak_traffic import CONNECTION_ERROR, Tally, Traffic

Check = tuple[str, bool]
MEMORY_GROWTH_LIMIT = 10.0  # % of the web workers' resident memory after warm-up


def soak_checks(tally: Tally, traffic: Traffic, *, memory_growth: float | None) -> list[Check]:
    from orders.models import Order

    paid = set(Order.objects.filter(status="PAID").values_list("pk", flat=True))
    replays = tally.count(lambda status: status == 200, group="callbacks")
    return [
        (f"clients that crashed: {traffic.crashed or 'none'}", not traffic.crashed),
        *_answers(tally),
        *_paid_orders(paid),
        *_money(paid, replays),
        *_lifecycle(traffic),
        (f"web workers' memory growth {memory_growth:+.1f} % (limit {MEMORY_GROWTH_LIMIT:.0f} %)"
         if memory_growth is not None else "web workers' memory: a worker was replaced",
         memory_growth is not None and memory_growth < MEMORY_GROWTH_LIMIT),
        # A soak that paid, replayed or scanned nothing proved nothing about those paths.
        ("every flow exercised (paid orders, replayed callbacks, check-ins)",
         bool(paid) and replays > 0 and bool(traffic.admitted)),
    ]


def _answers(tally: Tally) -> list[Check]:
    five_xx = tally.count(lambda status: isinstance(status, int) and status >= 500)
    no_answer = tally.count(lambda status: status == CONNECTION_ERROR)
    return [(f"5xx answers: {five_xx}, requests without an answer: {no_answer}", five_xx == no_answer == 0),
            (f"answers other than each request's expected status: {tally.unexpected_count}",
             not tally.unexpected_count)]


def _paid_orders(paid: set) -> list[Check]:
    """Every paid order has one ticket per unit bought and its email and SMS sent."""
    from django.db.models import Count, Sum

    from notifications.models import OutboxMessage
    from orders.models import Order, OrderLine
    from tickets.models import IssuedTicket

    units = dict(OrderLine.objects.filter(order__in=paid, type_name="store.ticket").values_list("order")
                 .annotate(n=Sum("item_quantity")).values_list("order", "n"))
    issued = dict(IssuedTicket.objects.filter(order__in=paid).exclude(status="VOID").values_list("order")
                  .annotate(n=Count("pk")).values_list("order", "n"))
    short = [pk for pk in paid if issued.get(pk, 0) != units.get(pk, 0)]
    sent = set(OutboxMessage.objects.filter(template="order_paid", status="SENT", order_id__in=paid)
               .values_list("order_id", "channel"))
    unsent = [pk for pk in paid if (pk, "email") not in sent or (pk, "sms") not in sent]
    unflagged = Order.objects.filter(pk__in=paid).exclude(flag_email_sent=True, flag_sms_sent=True).count()
    dead = OutboxMessage.objects.filter(status="DEAD").count()
    return [
        (f"paid orders {len(paid)}, tickets issued {sum(issued.values())} for {sum(units.values())} units; "
         f"orders whose tickets differ from what they bought: {len(short)}", not short),
        (f"paid orders without their email and SMS sent: {len(unsent)} (not flagged sent: {unflagged}); "
         f"messages sent {OutboxMessage.objects.filter(status='SENT').count()}, dead {dead}",
         not unsent and not unflagged and not dead),
    ]


def _money(paid: set, replays: int) -> list[Check]:
    """Every provider success is one payment on its own order; no order is credited twice."""
    from django.db.models import Count, F, Sum

    from orders.models import Order
    from payments.models import Payment, PaymentAttempt, ProviderCallback

    payments = list(Payment.objects.values_list("order_id", "provider", "reference"))
    succeeded = list(PaymentAttempt.objects.filter(status="SUCCEEDED").values_list("order_id", "provider", "receipt"))
    orders_by_receipt: dict = {}
    for order_id, provider, reference in payments:
        orders_by_receipt.setdefault((provider, reference), []).append(order_id)
    unmatched = [a for a in succeeded if orders_by_receipt.get((a[1], a[2])) != [a[0]]]
    credited_callbacks = ProviderCallback.objects.filter(outcome="credited").count()

    per_order = Payment.objects.values("order").annotate(n=Count("pk"), total=Sum("amount"))
    twice = [row for row in per_order if row["n"] > 1]
    shown_paid = dict(Order.objects.values_list("pk", "amount_paid"))
    sums_differ = [row for row in per_order if shown_paid[row["order"]] != row["total"]]
    not_in_full = Order.objects.filter(pk__in=paid).exclude(amount_paid=F("order_amount")).count()
    review = PaymentAttempt.objects.exclude(review_reason="").count()
    outcomes = dict(ProviderCallback.objects.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))
    return [
        (f"payments credited {len(payments)}, provider requests succeeded {len(succeeded)}, credited callbacks "
         f"{credited_callbacks}; succeeded requests without exactly one payment on their own order: {len(unmatched)}",
         not unmatched and len(payments) == len(succeeded) == credited_callbacks),
        (f"orders credited more than once: {len(twice)}; paid orders not paid in full: {not_in_full}; orders whose "
         f"payments differ from what they show paid: {len(sums_differ)}; money flagged for staff: {review}",
         not twice and not not_in_full and not sums_differ and not review),
        (f"callbacks by outcome {outcomes}; replays answered 200: {replays}", outcomes.get("duplicate", 0) >= replays),
    ]


def _lifecycle(traffic: Traffic) -> list[Check]:
    """Abandoned orders expire (beat's job runs every minute); every admission is one check-in."""
    from django.db.models import Count
    from django.utils import timezone

    from orders.models import Order
    from tickets.models import IssuedTicket

    stuck = Order.objects.filter(status="PENDING", expires_at__lt=timezone.now() - timedelta(seconds=150)).count()
    statuses = dict(Order.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    checked_in = IssuedTicket.objects.filter(status="CHECKED_IN").count()
    return [
        (f"orders by status {statuses}; PENDING past their window: {stuck}", not stuck),
        (f"check-ins admitted (200) {len(traffic.admitted)}, checked in in the database {checked_in}",
         checked_in == len(traffic.admitted)),
    ]
