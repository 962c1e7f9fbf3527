import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from mookh.core.models import TimeStamped
from mookh.core.uploads import GeneratedUploadName
from stores.storage import private_storage_callable


class StoreType(TimeStamped):
    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Store(TimeStamped):
    class Country(models.TextChoices):
        KENYA = "KE", "Kenya"
        UGANDA = "UG", "Uganda"
        TANZANIA = "TZ", "Tanzania"
        RWANDA = "RW", "Rwanda"

    TIME_ZONES = {"KE": "Africa/Nairobi", "UG": "Africa/Kampala", "TZ": "Africa/Dar_es_Salaam", "RW": "Africa/Kigali"}

    store_name = models.CharField(max_length=200)
    store_type = models.ForeignKey(StoreType, on_delete=models.PROTECT, related_name="stores")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_stores")
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.KENYA)
    default_currency = models.CharField(max_length=3, default="KES")
    store_contacts = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["store_name"]

    def __str__(self):
        return self.store_name

    @property
    def time_zone(self) -> str:
        return self.TIME_ZONES.get(self.country, settings.TIME_ZONE)


class StoreAgent(TimeStamped):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="agents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_of")

    class Meta:
        ordering = ["created"]
        constraints = [models.UniqueConstraint(fields=["store", "user"], name="store_agent_unique")]

    def __str__(self):
        return f"{self.user} at {self.store}"


class StoreAgentInvitation(TimeStamped):
    """An owner's invitation to become an agent of a store; the invited person accepts or declines it.

    Addressed by email (stored lower-case), so that an address without an account can be invited
    and accept after registering. At most one PENDING invitation per store and address."""

    class Status(models.TextChoices):
        PENDING = "PENDING"
        ACCEPTED = "ACCEPTED"
        DECLINED = "DECLINED"
        REVOKED = "REVOKED"

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="agent_invitations")
    email = models.EmailField(max_length=254)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["email", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["store", "email"], condition=Q(status="PENDING"),
                                    name="store_agent_invitation_one_pending"),
            models.CheckConstraint(condition=Q(email=Lower("email")), name="store_agent_invitation_email_lower"),
        ]

    def __str__(self):
        return f"{self.email} to {self.store} ({self.status})"


class EventCategory(TimeStamped):
    category_name = models.CharField(max_length=100)
    event_label = models.CharField(max_length=100, blank=True)
    category_metadata = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["category_name"]
        verbose_name_plural = "event categories"

    def __str__(self):
        return self.category_name


class Event(TimeStamped):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="events")
    event_category = models.ForeignKey(EventCategory, on_delete=models.PROTECT, related_name="events")
    parent_event = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_events")
    event_name = models.CharField(max_length=200)
    event_venue = models.CharField(max_length=255, null=True, blank=True)
    event_description = models.TextField()
    event_poster = models.ImageField(upload_to=GeneratedUploadName("event_posters/"), null=True, blank=True)
    start_date = models.DateTimeField()
    end_date = models.DateTimeField(null=True, blank=True)
    is_free = models.BooleanField(default=False)
    is_private = models.BooleanField(default=False)
    is_published = models.BooleanField(default=False)
    has_complimentary = models.BooleanField(default=False)
    event_metadata = models.JSONField(default=dict, blank=True)
    # How long an unpaid MOBILE or CARD order holds its seats (an M-Pesa prompt lasts about a minute).
    payment_window_minutes = models.PositiveSmallIntegerField(default=15)

    class Meta:
        ordering = ["start_date"]
        indexes = [models.Index(fields=["is_published", "is_private", "start_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="event_ends_after_start"),
            models.CheckConstraint(condition=~Q(parent_event=F("id")), name="event_not_own_parent"),
            models.CheckConstraint(condition=Q(payment_window_minutes__gte=1) & Q(payment_window_minutes__lte=1440),
                                   name="event_payment_window_bounded"),
        ]

    def __str__(self):
        return self.event_name


class Schedule(TimeStamped):
    """FullCalendar's event shape: one slot (or a weekly repeat) of an event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedules")
    title = models.CharField(max_length=200, null=True, blank=True)
    all_day = models.BooleanField(default=False)
    repeats = models.BooleanField(default=False)
    dow = models.JSONField(default=list, blank=True, help_text="Days of week, 0 = Sunday")
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "created"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                                   name="schedule_ends_after_start"),
        ]

    def __str__(self):
        return self.title or f"schedule of {self.event_id}"


class Ticket(TimeStamped):
    """A ticket type. `sold` and `reserved` move only through conditional UPDATEs (stores.inventory)."""

    TYPE_NAME = "store.ticket"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tickets")
    schedule = models.ForeignKey(Schedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets")
    ticket_name = models.CharField(max_length=200)
    ticket_description = models.TextField(null=True, blank=True)
    # Price per currency, e.g. {"KES": "1000.00", "USD": "8.00"}; ticket_value mirrors the store's currency.
    prices = models.JSONField(default=dict, blank=True)
    ticket_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    is_published = models.BooleanField(default=False)
    ticket_metadata = models.JSONField(default=dict, blank=True)
    quantity = models.PositiveIntegerField()
    sold = models.PositiveIntegerField(default=0)
    reserved = models.PositiveIntegerField(default=0)
    sales_start = models.DateTimeField(null=True, blank=True)
    sales_end = models.DateTimeField(null=True, blank=True)
    max_per_order = models.PositiveIntegerField(null=True, blank=True)
    max_per_buyer = models.PositiveIntegerField(null=True, blank=True)
    # Pay-later and installment orders hold seats for 48 h: only where the owner allows it, and
    # each buyer holds at most `pay_later_max_per_buyer` units that way.
    allow_pay_later = models.BooleanField(default=False)
    pay_later_max_per_buyer = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created"]
        constraints = [
            # The invariant that must never break, whatever the concurrency: no overselling.
            models.CheckConstraint(condition=Q(sold__gte=0) & Q(reserved__gte=0) &
                                   Q(quantity__gte=F("sold") + F("reserved")), name="ticket_never_oversold"),
            models.CheckConstraint(condition=Q(sales_end__isnull=True) | Q(sales_start__isnull=True) |
                                   Q(sales_end__gte=F("sales_start")), name="ticket_sales_window_ordered"),
        ]

    def __str__(self):
        return f"{self.ticket_name} ({self.event_id})"

    @property
    def tickets_available(self) -> int:
        return max(self.quantity - self.sold - self.reserved, 0)


class Category(TimeStamped):
    """A content category (HipHop, Gospel, Fiction…) for albums and other digital content."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class MediaType(TimeStamped):
    name = models.CharField(max_length=32, unique=True, help_text="ALBUM, TRACK or EBOOK")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Album(TimeStamped):
    TYPE_NAME = "digital_content.album"

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="albums")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="albums")
    media_type = models.ForeignKey(MediaType, on_delete=models.PROTECT, related_name="albums")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    authors = models.JSONField(default=list, blank=True)
    thumbnail = models.ImageField(upload_to=GeneratedUploadName("album_thumbnails/"), null=True, blank=True)
    prices = models.JSONField(default=dict, blank=True)
    is_published = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.name


class MediaFile(TimeStamped):
    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="media_files")
    title = models.CharField(max_length=200)
    # Stored under a generated name; the name the file was uploaded with lives on only in `title`.
    file = models.FileField(upload_to=GeneratedUploadName("media_files/"), storage=private_storage_callable)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "created"]

    def __str__(self):
        return self.title


class StoreApiKey(TimeStamped):
    """A key an API client uses to act as a store (the Voucherify-compatible /v1 API): `app_id`
    names it, and its secret token is shown once, then kept only as a SHA-256 digest. A digest
    without salt or stretching is enough: the token is 256 random bits, not a password."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    app_id = models.CharField(max_length=64, unique=True)
    token_digest = models.CharField(max_length=64)
    token_hint = models.CharField(max_length=8, help_text="The token's last characters, to tell keys apart.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "store API key"

    def __str__(self):
        return f"{self.name} ({self.app_id})"

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
