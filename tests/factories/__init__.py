from tests.factories.users import UserFactory  # noqa: F401
