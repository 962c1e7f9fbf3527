"""`cp .env.example .env` gives the settings `make run` has, and the file documents every variable."""
import re
import shutil

from tests.core.settings_probe import ROOT, settings_loaded

EXAMPLE = ROOT / ".env.example"


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_settings_are_make_runs_when_env_example_is_the_only_configuration(tmp_path):
    env_file = tmp_path / ".env"
    shutil.copy(EXAMPLE, env_file)
    from_example = settings_loaded({"ENV_FILE": str(env_file)})
    make_run = settings_loaded({"DEBUG": "1"})

    assert from_example["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert from_example["CELERY_TASK_ALWAYS_EAGER"] is True
    assert from_example["OUTBOX_SENT_HOOK"] == settings_loaded({"DEBUG": "0", "SECRET_KEY": "x" * 40})[
        "OUTBOX_SENT_HOOK"]
    assert from_example["TICKET_VERIFY_KEYS"] == []
    assert [name for name, value in from_example.items() if any("#" in text for text in _strings(value))] == []
    assert {name for name in from_example if from_example[name] != make_run[name]} == set()


def _variables_read_by_settings() -> set[str]:
    source = (ROOT / "mookh" / "settings.py").read_text()
    return set(re.findall(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", source))


def test_every_variable_documented_when_settings_read_it():
    documented = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", EXAMPLE.read_text(), flags=re.MULTILINE))
    read = _variables_read_by_settings()
    assert len(read) > 50
    assert sorted(read - documented) == []
