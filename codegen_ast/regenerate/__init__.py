"""``regenerate``: bring a generated package up to date and keep the user's work.

- :mod:`.plan` decides, file by file, what to write (in memory);
- :mod:`.merge3` merges one file three ways (base: what was generated last
  time, recorded in the manifest; ours: the file on disk; theirs: what is
  generated now), on :mod:`.lines` (code lines, comments apart) and
  :mod:`.imports` (import blocks as sets of names);
- :mod:`.write` writes the plan in place;
- :mod:`.locate` finds the package from any path inside it, and lists the
  user's work ``new --force`` would destroy.
"""

from codegen_ast.regenerate.locate import enclosing_package, find_package, user_work
from codegen_ast.regenerate.merge3 import Conflict, TextMerge, merge3
from codegen_ast.regenerate.plan import FilePlan, Regeneration, plan_regeneration
from codegen_ast.regenerate.write import apply_regeneration

__all__ = [
    "Conflict",
    "FilePlan",
    "Regeneration",
    "TextMerge",
    "apply_regeneration",
    "enclosing_package",
    "find_package",
    "merge3",
    "plan_regeneration",
    "user_work",
]
