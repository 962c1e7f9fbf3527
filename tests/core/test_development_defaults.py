"""What `make run` (DEBUG on, nothing else configured) gives a newcomer, and what production keeps."""
from tests.core.settings_probe import ROOT, settings_loaded


def test_jwt_signing_key_is_long_enough_for_hs256_when_debug_without_secret_key():
    loaded = settings_loaded({"DEBUG": "1"})
    assert len(loaded["SIMPLE_JWT"]["SIGNING_KEY"].encode()) >= 32


def test_email_and_sms_written_under_sent_messages_when_debug_without_backends():
    loaded = settings_loaded({"DEBUG": "1"})
    folder = ROOT / "sent_messages"
    assert loaded["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert loaded["EMAIL_FILE_PATH"] == str(folder / "emails")
    assert loaded["SMS_BACKEND"] in ("file", "notifications.sms.file.SmsBackend")
    assert loaded["SMS_FILE_PATH"] == str(folder / "sms.jsonl")

    named = settings_loaded({"DEBUG": "1", "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                             "SMS_BACKEND": "africastalking"})
    assert (named["EMAIL_BACKEND"], named["SMS_BACKEND"]) == ("django.core.mail.backends.smtp.EmailBackend",
                                                              "africastalking")
    production = settings_loaded({"DEBUG": "0", "SECRET_KEY": "k" * 50})
    assert production["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert production["SMS_BACKEND"] in ("console", "notifications.sms.console.SmsBackend")
