from django.db.models import QuerySet

from users.models import Role, User


def user_roles(user) -> list[str]:
    """Role names of a user; uses prefetched groups when present."""
    if not user or not user.is_authenticated:
        return []
    names = [g.name for g in user.groups.all()]
    if user.is_superuser and Role.SUPER_ADMIN not in names:
        names.append(Role.SUPER_ADMIN.value)
    return [name for name in names if name in Role.values]


def user_is_super_admin(user) -> bool:
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or Role.SUPER_ADMIN in user_roles(user)


def users_visible_to(user) -> QuerySet[User]:
    queryset = User.objects.prefetch_related("groups")
    if user_is_super_admin(user):
        return queryset
    return queryset.filter(pk=user.pk)


def user_get_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=(email or "").strip()).first()


def user_or_none(user):
    """The user when signed in, else None: what a foreign key to the acting user should hold."""
    return user if user is not None and user.is_authenticated else None
