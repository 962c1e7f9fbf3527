"""The verification email crosses the real broker: Redis, a separate worker process, a file backend."""
import pytest

from tests.celery_worker import celery_worker, wait_for
from users.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_verification_email_delivered_by_real_worker(api, tmp_path):
    mail_dir = tmp_path / "mail"
    env = {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)}
    with celery_worker(extra_env=env):
        response = api.post("/users/user/", {"email": "worker@example.com", "password": "Strong-pass-2026",
                                             "confirm_password": "Strong-pass-2026"})
        assert response.status_code == 201
        files = wait_for(lambda: list(mail_dir.glob("*.log")) if mail_dir.exists() else [])
    text = files[0].read_text()
    assert "To: worker@example.com" in text
    code = next(word for word in text.split() if word.rstrip(".").isdigit() and len(word.rstrip(".")) == 5).rstrip(".")
    response = api.post("/users/verification/", {"email": "worker@example.com", "code": code})
    assert response.status_code == 200
    assert User.objects.get(email="worker@example.com").is_verified
