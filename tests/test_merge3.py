"""The three-way merge of one file, as before/after sources (LibCST codemod style)."""

from __future__ import annotations

from textwrap import dedent

from codegen_ast.regenerate.merge3 import has_markers, merge3


def merge(base: str, ours: str, theirs: str) -> tuple[str, int]:
    result = merge3(dedent(base), dedent(ours), dedent(theirs))
    return result.text, len(result.conflicts)


BASE = dedent('''
    """Doc."""

    from x import a, b


    class C:
        def __init__(self) -> None:
            self.x = 1
            self.ops = {"a": self.a}

        def a(self) -> int:
            return 1
    ''')


def test_comments_and_blank_lines_never_conflict_and_survive() -> None:
    ours = '''
    # Licence: MIT
    # mypy: disable-error-code=misc
    """Doc."""

    from x import a, b


    class C:

        def __init__(self) -> None:
            self.x = 1  # one, on purpose
            self.ops = {"a": self.a}

        def a(self) -> int:
            # the answer
            return 1
    # end of class
    # end of file
    '''
    theirs = '''
    """Doc."""

    from x import a, b


    class C:
        def __init__(self) -> None:
            self.x = 2
            self.ops = {"a": self.a, "b": self.b}

        def a(self) -> int:
            return 1

        def b(self) -> int:
            return 2
    '''
    text, conflicts = merge(BASE, ours, theirs)
    assert conflicts == 0
    assert text == dedent('''
    # Licence: MIT
    # mypy: disable-error-code=misc
    """Doc."""

    from x import a, b


    class C:

        def __init__(self) -> None:
            self.x = 2  # one, on purpose
            self.ops = {"a": self.a, "b": self.b}

        def a(self) -> int:
            # the answer
            return 1

        def b(self) -> int:
            return 2
    # end of class
    # end of file
    ''')


def test_a_user_edit_and_a_generator_edit_of_different_lines_both_land() -> None:
    ours = BASE.replace("return 1", "return compute()").replace(
        'self.ops = {"a": self.a}', 'self.ops = {"a": self.a}\n        self.extra = 3'
    )
    theirs = BASE.replace("self.x = 1", "self.x = 2")
    text, conflicts = merge(BASE, ours, theirs)
    assert conflicts == 0
    assert "self.x = 2" in text and "return compute()" in text and "self.extra = 3" in text


def test_an_edited_line_with_a_line_added_after_it_is_not_a_conflict() -> None:
    ours = BASE.replace("self.x = 1", "self.x = 10")
    theirs = BASE.replace("self.x = 1\n", "self.x = 1\n        self.y = 2\n")
    text, conflicts = merge(BASE, ours, theirs)
    assert conflicts == 0 and "self.x = 10\n        self.y = 2\n" in text


def test_both_adding_members_at_one_place_keeps_both_unless_they_share_a_name() -> None:
    mine = "\n    def mine(self) -> int:\n        return 3\n"
    theirs_member = "\n    def b(self) -> int:\n        return 2\n"
    text, conflicts = merge(BASE, BASE + mine, BASE + theirs_member)
    assert conflicts == 0 and "def mine(self)" in text and "def b(self)" in text
    clash = "\n    def b(self) -> int:\n        return 'mine'\n"
    text, conflicts = merge(BASE, BASE + clash, BASE + theirs_member)
    assert conflicts == 1 and "return 'mine'" in text and "return 2" in text


def test_a_true_conflict_is_written_between_markers() -> None:
    ours = BASE.replace("return 1", "return 10")
    theirs = BASE.replace("return 1", "return 2")
    text, conflicts = merge(BASE, ours, theirs)
    assert conflicts == 1
    assert "<<<<<<< yours\n        return 10\n=======\n        return 2\n>>>>>>> codegen-ast\n" in text
    assert has_markers(text) and not has_markers(BASE)


def test_an_import_line_both_sides_extended_keeps_every_name() -> None:
    ours = BASE.replace("from x import a, b", "from x import a, b, mine\nfrom decimal import Decimal")
    theirs = BASE.replace("from x import a, b", "from x import a, b, c")
    text, conflicts = merge(BASE, ours, theirs)
    assert conflicts == 0
    assert "from x import a, b, c, mine\nfrom decimal import Decimal\n" in text


def test_a_comment_above_a_line_the_generator_removed_survives() -> None:
    ours = BASE.replace("        self.x = 1\n", "        # why x matters\n        self.x = 1\n")
    theirs = BASE.replace("        self.x = 1\n", "")
    text, conflicts = merge(BASE, ours, theirs)
    assert conflicts == 0 and "# why x matters" in text and "self.x" not in text


def test_hashes_and_blank_lines_inside_strings_are_code() -> None:
    base = 'X = """\n# not a comment\n"""\nY = 1\n'
    ours = 'X = """\n# not a comment, edited\n"""\nY = 1\n'
    theirs = 'X = """\n# not a comment\n"""\nY = 2\n'
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == 0 and text == 'X = """\n# not a comment, edited\n"""\nY = 2\n'


def test_other_files_merge_by_line_too() -> None:
    base = "a: 1\nb: 2\nc: 3\n"
    ours = "# mine\na: 1\nb: 20\nc: 3\n"
    theirs = "a: 1\nb: 2\nc: 30\n"
    result = merge3(base, ours, theirs, suffix=".yaml")
    assert (result.text, result.conflicts) == ("# mine\na: 1\nb: 20\nc: 30\n", [])


def test_a_star_import_the_user_added_to_an_import_block_stays() -> None:
    ours = BASE.replace("from x import a, b", "from x import a, b, mine\nfrom helpers import *")
    theirs = BASE.replace("from x import a, b", "from x import a, b, c")
    text, conflicts = merge(BASE, ours, theirs)
    assert conflicts == 0 and "from helpers import *\n" in text and "from x import a, b, c, mine\n" in text
