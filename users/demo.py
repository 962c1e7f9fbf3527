from users.models import Role, User
from users.services import role_grant

DEMO_PASSWORD = "mookh-demo-2026"
DEMO_USERS = {
    "admin@mookh.local": ("Ada", "Admin", Role.SUPER_ADMIN),
    "owner@mookh.local": ("Olive", "Owner", Role.STORE_OWNER),
    "agent@mookh.local": ("Abel", "Agent", Role.STORE_AGENT),
    "customer@mookh.local": ("Chris", "Customer", None),
}


def load(out):
    for email, (first, last, role) in DEMO_USERS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first, last_name=last)
        user.is_verified = True
        if role == Role.SUPER_ADMIN:
            user.is_staff = user.is_superuser = True
        user.save()
        if role:
            role_grant(user=user, role=role)
    out.write("Demo users (password %s): %s" % (DEMO_PASSWORD, ", ".join(DEMO_USERS)))
    out.write("  admin@mookh.local also signs in to /admin/.")
