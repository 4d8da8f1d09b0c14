"""The sibling module `settings` was never written."""

from .settings import STORAGE_URL  # expect: IMP001


def url() -> str:
    return STORAGE_URL
