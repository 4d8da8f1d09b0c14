"""Scratch folders: private, in memory when the machine has it, where the user says otherwise."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen_ast import scratch


@pytest.fixture(autouse=True)
def fresh_choice() -> Iterator[None]:
    scratch.scratch_root.cache_clear()
    yield
    scratch.scratch_root.cache_clear()


def test_a_temporary_folder_the_user_chose_is_obeyed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    folder = scratch.scratch_folder("test-")
    try:
        assert folder.parent == tmp_path
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        shutil.rmtree(folder)


def test_memory_when_there_is_room_else_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(name, raising=False)
    in_memory = os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK | os.X_OK)
    if in_memory:
        room = os.statvfs("/dev/shm")
        in_memory = room.f_bavail * room.f_frsize >= scratch._ROOM_NEEDED
    assert scratch.scratch_root() == ("/dev/shm" if in_memory else None)
    folder = scratch.scratch_folder("test-")
    try:
        assert (str(folder.parent) == "/dev/shm") == in_memory
    finally:
        shutil.rmtree(folder)
    scratch.scratch_root.cache_clear()
    monkeypatch.setattr(scratch, "_ROOM_NEEDED", 1 << 62)  # no machine has that much free
    assert scratch.scratch_root() is None
