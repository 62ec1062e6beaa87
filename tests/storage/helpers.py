"""Helpers shared by the storage tests."""

from __future__ import annotations

from contextlib import contextmanager

import pytest


@contextmanager
def fails_with(cause: type[BaseException]):
    """Expect `cause`, raised as is or wrapped by the transaction (storage.db.Conflict chains it as __cause__)."""
    with pytest.raises(Exception) as info:
        yield info
    error = info.value
    assert isinstance(error, cause) or isinstance(error.__cause__, cause), repr(error)
