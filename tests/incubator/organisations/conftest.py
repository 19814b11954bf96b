"""What the organisations' tests share: mail that leaves on commit."""

import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Emails leave on commit: run the on-commit callbacks of whatever happens in the block."""

    return lambda: django_capture_on_commit_callbacks(execute=True)
