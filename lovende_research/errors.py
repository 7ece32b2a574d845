"""One exception root for the package, with subclasses that carry structured fields.

Messages are built from the fields, so a problem found in a user's spreadsheet always names the file,
the row as the user sees it, the column, the bad value and what was expected.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence


class LovendeError(Exception):
    """Root of every error the package raises on purpose.

    Its text (``str(error)``) is its message in the language :func:`print_errors_in` chose for this
    process, Danish unless told otherwise: a message that is a :class:`Text` knows both languages.
    """

    def __str__(self) -> str:
        if len(self.args) == 1:
            return in_language(self.args[0], _PRINTED_IN[0])
        return super().__str__()

    def __reduce__(
        self,
    ) -> tuple[Callable[..., "LovendeError"], tuple[type["LovendeError"], tuple[object, ...], dict[str, Any]]]:
        # Subclasses take their fields, not their message, in __init__, so the default (calling the class
        # with ``args``) would fail or misread them when an error crosses a process (``--jobs``, handouts).
        return (_rebuilt, (type(self), self.args, self.__dict__))


def _rebuilt(cls: type[LovendeError], args: tuple[object, ...], state: dict[str, Any]) -> LovendeError:
    """An unpickled error: its message and fields as they were, without calling its ``__init__`` again."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


#: The language ``str(error)`` gives for this process (a one-item list, so the setting is changed in place).
_PRINTED_IN = ["da"]


def print_errors_in(language: str) -> None:
    """Let every :class:`LovendeError` of this process print its message in ``language`` (``da`` or ``en``).

    Why: a stage notebook runs in a kernel of its own, and what goes wrong there reaches the user only as
    the text of the exception (``lovende run`` reports the kernel's ``ename: evalue`` as
    ``StageFailed``). The command knows the reader's language; the kernel learns it from the notebook's
    ``language`` parameter, and each stage notebook calls this with it before anything can fail. In the
    command's own process nothing calls it, and ``lovende`` picks the language of each message itself.

    >>> print_errors_in("en"); str(LovendeError(Text("på dansk", "in English")))
    'in English'
    >>> print_errors_in("da"); str(LovendeError(Text("på dansk", "in English")))
    'på dansk'
    """
    if language not in _WORDS:
        raise ArgumentError("language", language, Text("da eller en", "da or en"))
    _PRINTED_IN[0] = language


class Text(str):
    """A message in Danish (the string itself) that also knows its English (``.en``).

    A :class:`Problem`'s texts are ``Text`` where they have been written in both languages, so
    ``lovende validate`` can report in the study's language while every comparison, log and test that
    reads the text as a plain ``str`` sees the Danish as before.

    >>> message = Text("tomt felt", "empty cell")
    >>> message == "tomt felt", in_language(message, "en"), in_language("kun dansk", "en")
    (True, 'empty cell', 'kun dansk')
    """

    en: str

    def __new__(cls, da: str, en: str) -> "Text":
        text = super().__new__(cls, da)
        text.en = en
        return text

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # pickled in the validated study a run keeps
        return (Text, (str(self), self.en))


def in_language(text: object, language: str) -> str:
    """``text`` in ``language``: a :class:`Text`'s English for ``"en"``, else the text as it is."""
    return text.en if language == "en" and isinstance(text, Text) else str(text)


#: The words a problem's place and parts are named with, per language.
_WORDS = {
    "da": {
        "sheet": "ark",
        "row": "række",
        "column": "kolonne",
        "found": "fandt",
        "expected": "forventet",
        "unusable": "kan ikke bruges",
        "problems": ("problem", "problemer"),
        "input": "i input",
    },
    "en": {
        "sheet": "sheet",
        "row": "row",
        "column": "column",
        "found": "found",
        "expected": "expected",
        "unusable": "cannot be used",
        "problems": ("problem", "problems"),
        "input": "in the input",
    },
}


def _in_both(message: Callable[[str], str]) -> Text:
    """A message composed once per language from :data:`_WORDS` (and its parts' own :class:`Text`)."""
    return Text(message("da"), message("en"))


def joined(lead: str, parts: Sequence[str], separator: str = "; ") -> Text:
    """``lead`` and then ``parts`` joined by ``separator``, in each language (a plain ``str`` is the same in both).

    For a refusal that lists what is wrong after saying what it refuses.

    >>> message = joined(Text("ugyldig: ", "invalid: "), [Text("a for stor", "a too large"), Text("b tom", "b empty")])
    >>> message, message.en
    ('ugyldig: a for stor; b tom', 'invalid: a too large; b empty')
    """
    return _in_both(
        lambda language: in_language(lead, language) + separator.join(in_language(p, language) for p in parts)
    )


def problem_count(count: int, language: str = "da") -> str:
    """``3 problemer`` / ``3 problems``: the count of problems as a summary line names it.

    >>> problem_count(1, "da"), problem_count(2, "en")
    ('1 problem', '2 problems')
    """
    return f"{count} {_WORDS[language]['problems'][count != 1]}"


class ArgumentError(LovendeError):
    """An argument of a statistic that cannot be used: names the parameter, the value and what was expected.

    One class for every stage's parameter checks (scoring and bias call it ``ScoringError`` and
    ``BiasError``, the same class under the names their modules have always exported): a stage gets a
    class of its own only where it carries other fields.

    The message is a :class:`Text` (pass ``expected`` as one), so a command prints it in the user's language.

    >>> error = ArgumentError("ci", 1.5, Text("et tal mellem 0 og 1", "a number between 0 and 1"))
    >>> str(error), in_language(error.args[0], "en")
    ('ci: 1.5 kan ikke bruges; forventet: et tal mellem 0 og 1', 'ci: 1.5 cannot be used; expected: a number between 0 and 1')
    """

    def __init__(self, parameter: str, value: object, expected: str):
        self.parameter, self.value, self.expected = parameter, value, expected

        def message(language: str) -> str:
            words = _WORDS[language]
            return f"{parameter}: {value!r} {words['unusable']}; {words['expected']}: {in_language(expected, language)}"

        super().__init__(_in_both(message))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``row`` is the row number a user sees in a spreadsheet program (the header's row counts), or
    ``None`` when the problem concerns the file or a whole column; ``sheet`` names the worksheet when a
    file holds several tables (a coder's workbook, one sheet per interview). ``problem`` and
    ``expected`` may be :class:`Text`, which :meth:`render` gives in either language.
    """

    file: str
    problem: str
    expected: str = ""
    row: int | None = None
    column: str | None = None
    value: object = None
    sheet: str | None = None

    def __str__(self) -> str:
        return self.render("da")

    def render(self, language: str = "da") -> str:
        """The problem as one line in ``language`` (``"da"`` or ``"en"``).

        >>> Problem("codings.csv", Text("tomt felt", "empty cell"), row=3, column="response").render("en")
        "codings.csv, row 3, column 'response': empty cell"
        """
        words = _WORDS["en" if language == "en" else "da"]
        where = self.file
        if self.sheet is not None:
            where += f", {words['sheet']} '{self.sheet}'"
        if self.row is not None:
            where += f", {words['row']} {self.row}"
        if self.column is not None:
            where += f", {words['column']} '{self.column}'"
        text = f"{where}: {in_language(self.problem, language)}"
        if self.value is not None and self.value != "":
            text += f" ({words['found']} {self.value!r})"
        if self.expected:
            text += f"; {words['expected']}: {in_language(self.expected, language)}"
        return text


class InputError(LovendeError):
    """One or more problems in input files; ``problems`` holds every one found, not only the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__(Text(self.render("da"), self.render("en")))

    def render(self, language: str = "da") -> str:
        """Every problem, one a line, under a count, in ``language``."""
        head = f"{problem_count(len(self.problems), language)} {_WORDS['en' if language == 'en' else 'da']['input']}:"
        return "\n".join([head, *(f"  - {p.render(language)}" for p in self.problems)])

    @classmethod
    def single(cls, file: str | Path, problem: str, **fields: Any) -> "InputError":
        """Shortcut for the common case of one problem."""
        return cls([Problem(file=str(file), problem=problem, **fields)])


class InstrumentError(LovendeError):
    """An instrument (questionnaire) file that cannot be used; names the file and the place in it.

    The message is a :class:`Text`, so ``lovende`` prints it in the study's language or ``--lang``.

    >>> error = InstrumentError("v2.yml", "scale", Text("har huller", "has gaps"), Text("1, 2, 3", "1, 2, 3"))
    >>> str(error), in_language(error.args[0], "en")
    ('v2.yml, scale: har huller; forventet: 1, 2, 3', 'v2.yml, scale: has gaps; expected: 1, 2, 3')
    """

    def __init__(self, file: str | Path, where: str, problem: str, expected: str = ""):
        self.file, self.where, self.problem, self.expected = str(file), where, problem, expected

        def message(language: str) -> str:
            text = f"{self.file}, {in_language(where, language)}: {in_language(problem, language)}"
            return text + (f"; {_WORDS[language]['expected']}: {in_language(expected, language)}" if expected else "")

        super().__init__(_in_both(message))


def closest_key(key: str, known: Sequence[str]) -> Text:
    """What a mistyped key was meant to be, for a problem's ``expected``: the closest known key, then all.

    >>> closest_key("sed", ["title", "seed", "language"])
    "'seed' (kendte nøgler: title, seed, language)"
    >>> closest_key("xyz", ["title", "seed"])
    'en af de kendte nøgler: title, seed'
    """
    close = difflib.get_close_matches(key.strip().lower(), known, n=1, cutoff=0.5)
    listed = ", ".join(known)
    if close:
        return Text(f"'{close[0]}' (kendte nøgler: {listed})", f"'{close[0]}' (known keys: {listed})")
    return Text(f"en af de kendte nøgler: {listed}", f"one of the known keys: {listed}")
