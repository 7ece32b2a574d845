"""Tables as a reviewer reads them on a stage page: headers in words, numbers in the page's language.

A raw pandas table on a page shows an index column 0…n, snake_case headers (``element_id``), decimal
points on a Danish page whose figures write decimal commas, and every one of a thousand rows. Every
stage notebook shows its tables through :func:`show_table` instead, so the pages agree with each other:

- no index column; headers from :data:`HEADERS` (Danish first, English on English pages);
- numbers through :func:`lovende_research.i18n.number` (``0,11`` on a Danish page), whole numbers as such;
- codes a study writes in Danish (roles, reconciliation sources) and yes/no in the page's language;
- a long table shows its first ``max_rows`` rows, how many there are, and a link to the full table
  (the stage's workbook in ``tabeller/``, beside the page).

The data stay as typed: every cell is HTML-escaped, so a note holding markup is shown as its characters.
"""

from __future__ import annotations

import html
import math
from numbers import Integral, Real

import numpy as np
import pandas as pd

from lovende_research.errors import ArgumentError, Text
from lovende_research.i18n import PhraseTable, check_language, number, phrase

#: Column headers of the tables the stage pages show, ``{column: (dansk, english)}``.
HEADERS: PhraseTable = {
    "practice_id": ("Praksis", "Practice"),
    "practice_id_a": ("Praksis A", "Practice A"),
    "practice_id_b": ("Praksis B", "Practice B"),
    "removed_id": ("Fjernet", "Removed"),
    "name": ("Navn", "Name"),
    "measure": ("Mål", "Measure"),
    "n_coders": ("Kodere", "Coders"),
    "n_informants": ("Informanter", "Informants"),
    "design_used": ("Anvendt design", "Design used"),
    "coefficient": ("Koefficient", "Coefficient"),
    "component": ("Komponent", "Component"),
    "variance": ("Varians", "Variance"),
    "share": ("Andel", "Share"),
    "name_a": ("Navn A", "Name A"),
    "name_b": ("Navn B", "Name B"),
    "provider": ("Udbyder", "Provider"),
    "provider_type": ("Udbydertype", "Provider type"),
    "municipality": ("Kommune", "Municipality"),
    "target_group": ("Målgruppe", "Target group"),
    "similarity": ("Lighed", "Similarity"),
    "status": ("Status", "Status"),
    "criterion": ("Kriterium", "Criterion"),
    "n_subjects": ("Praksisser", "Practices"),
    "percent_agreement": ("Enighed", "Agreement"),
    "estimate": ("Skøn", "Estimate"),
    "ci_low": ("Interval, nedre", "Interval, lower"),
    "ci_high": ("Interval, øvre", "Interval, upper"),
    "n_conflicts": ("Uenigheder", "Conflicts"),
    "screener_1": ("Screener 1", "Screener 1"),
    "screener_2": ("Screener 2", "Screener 2"),
    "decision_1": ("Beslutning 1", "Decision 1"),
    "decision_2": ("Beslutning 2", "Decision 2"),
    "reason_1": ("Begrundelse 1", "Reason 1"),
    "reason_2": ("Begrundelse 2", "Reason 2"),
    "note_1": ("Note 1", "Note 1"),
    "note_2": ("Note 2", "Note 2"),
    "reconciled_decision": ("Konsensusbeslutning", "Consensus decision"),
    "resolved": ("Afgjort", "Resolved"),
    "stratum": ("Stratum", "Stratum"),
    "stratum_size": ("Stratumstørrelse", "Stratum size"),
    "stratum_allocation": ("Udvalgt i stratum", "Selected in stratum"),
    "selection_rule": ("Regel", "Rule"),
    "seed": ("Seed", "Seed"),
    "interview_id": ("Interview", "Interview"),
    "informant_id": ("Informant", "Informant"),
    "informant_role": ("Rolle", "Role"),
    "delimitation_id": ("Afgrænsning", "Delimitation"),
    "item_id": ("Spørgsmål", "Item"),
    "element_id": ("Element", "Element"),
    "question": ("Spørgsmålstekst", "Question"),
    "coder_1": ("Koder 1", "Coder 1"),
    "coder_2": ("Koder 2", "Coder 2"),
    "answer_1": ("Svar 1", "Answer 1"),
    "answer_2": ("Svar 2", "Answer 2"),
    "max_difference": ("Største forskel (skalatrin)", "Largest difference (scale steps)"),
    "consensus": ("Konsensuskode", "Consensus code"),
    "source": ("Kilde", "Source"),
    "n_items": ("Spørgsmålsscorer", "Item scores"),
    "overall": ("Samlet indeks", "Overall index"),
    "rank": ("Placering", "Rank"),
    "rank_low": ("Placering, bedste", "Rank, best"),
    "rank_high": ("Placering, dårligste", "Rank, worst"),
    "rank_median": ("Placering, median", "Rank, median"),
    "n_ranked": ("Rangerede", "Ranked"),
    "top_k": ("k", "k"),
    "p_top_k": ("P(top k)", "P(top k)"),
    "top_decile": ("Top 10 % (antal)", "Top 10 % (number)"),
    "p_top_decile": ("P(top 10 %)", "P(top 10 %)"),
    "term": ("Led", "Term"),
    "kind": ("Slags", "Kind"),
    "df": ("Frihedsgrader", "Degrees of freedom"),
    "n": ("Antal", "Number"),
    "mean": ("Gennemsnit", "Mean"),
    "median": ("Median", "Median"),
    "sd": ("Standardafvigelse", "Standard deviation"),
    "n_practices": ("Praksisser", "Practices"),
    "position": ("Placering blandt elementerne", "Place among the elements"),
    "n_interviews": ("Interview", "Interviews"),
    "n_ja": ("Ja", "Yes"),
    "n_nej": ("Nej", "No"),
    "n_disagree": ("Kodere uenige", "Coders disagree"),
    "n_missing": ("Uden svar", "No answer"),
    "possible_sikker": ("Mulig sikker praksis", "Possible sikker praksis"),
    # notebook 03's tables (subjectivity-bias checks)
    "alpha": ("Krippendorffs alfa", "Krippendorff's alpha"),
    "alpha_ci_low": ("Alfa, nedre", "Alpha, lower"),
    "alpha_ci_high": ("Alfa, øvre", "Alpha, upper"),
    "kappa": ("Kappa", "Kappa"),
    "kappa_ci_low": ("Kappa, nedre", "Kappa, lower"),
    "kappa_ci_high": ("Kappa, øvre", "Kappa, upper"),
    "ac2": ("Gwets AC2", "Gwet's AC2"),
    "ac2_ci_low": ("AC2, nedre", "AC2, lower"),
    "ac2_ci_high": ("AC2, øvre", "AC2, upper"),
    "paradox": ("Kappaparadoks", "Kappa paradox"),
    "weakest_item": ("Svageste spørgsmål", "Weakest item"),
    "alpha_without": ("Alfa uden det", "Alpha without it"),
    "flagged": ("Markeret", "Flagged"),
    "flag": ("Markeret", "Flagged"),
    "check": ("Tjek", "Check"),
    "reason": ("Begrundelse", "Reason"),
    "role": ("Rolle", "Role"),
    "p_holm": ("p (Holm)", "p (Holm)"),
    "significant": ("Signifikant", "Significant"),
    "boundary": ("På grænsen", "At the boundary"),
    "optimizer": ("Optimering", "Optimiser"),
    "converged": ("Konvergeret", "Converged"),
    "observed": ("Observeret", "Observed"),
    "fair": ("Rolleneutral", "Role-neutral"),
    "rank_observed": ("Placering, observeret", "Rank, observed"),
    "rank_fair": ("Placering, rolleneutral", "Rank, role-neutral"),
    "depends_on_roles": ("Afhænger af rollerne", "Depends on the roles"),
    "scenario": ("Scenarie", "Scenario"),
    "left_out": ("Udeladt", "Left out"),
    "left_out_practice": ("Udeladt fra praksis", "Left out of practice"),
    "kendall_tau": ("Kendalls tau", "Kendall's tau"),
    "max_shift": ("Største flytning", "Largest shift"),
    "top_changed": ("Toppen ændret", "Top changed"),
}

#: Codes a study or a stage writes in Danish, as an English page shows them (a Danish page keeps them).
#: Roles are those of ``docs/study-format.md``; sources those of ``scoring.reconcile``.
CODES_EN: dict[str, str] = {
    "leder": "leader",
    "medarbejder": "staff member",
    "samarbejdspartner": "partner",
    "andet": "other",
    "konsensus": "consensus",
    "enig": "agreed",
    "regel": "rule",
    "mangler": "missing",
}

#: A count of informants by role in a sentence ("14 ledere", "14 leaders"), ``{role: (dansk, english)}``.
ROLE_PLURALS: PhraseTable = {
    "leder": ("ledere", "leaders"),
    "medarbejder": ("medarbejdere", "staff members"),
    "samarbejdspartner": ("samarbejdspartnere", "partners"),
    "andet": ("andre", "others"),
}

#: Codes the stages write in English, as a Danish page shows them.
CODES_DA: dict[str, str] = {
    "include": "inkluder",
    "exclude": "ekskluder",
    "variance": "varians",
    "role": "rolle",
    "confirmed": "bekræftet",
    "pending": "afventer",
    "distinct": "forskellige",
    "strongest": "stærkest",
    "weakest": "svagest",
    "middle": "midt",
}

PHRASES: PhraseTable = {
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "shown": ("Viser de første {shown} af {n} rækker.", "Showing the first {shown} of {n} rows."),
    "all_rows": ("{n} rækker.", "{n} rows."),
    "one_row": ("1 række.", "1 row."),
    "full": ("Hele tabellen", "The full table"),
}


def header(column: str, language: str = "da") -> str:
    """The header a page shows for ``column``; a column without a label is written in words, never ``a_b``.

    >>> header("element_id", "da"), header("element_id", "en"), header("n_other_things", "en")
    ('Element', 'Element', 'N other things')
    """
    if column in HEADERS:
        return phrase(HEADERS, column, language)
    check_language(language)
    words = str(column).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def code_text(value: str, language: str = "da") -> str:
    """A code (role, source, decision) in the page's language; codes without a translation as written.

    >>> code_text("leder", "en"), code_text("leder", "da"), code_text("exclude", "da"), code_text("P010", "en")
    ('leader', 'leder', 'ekskluder', 'P010')
    """
    table = CODES_EN if check_language(language) == "en" else CODES_DA
    return table.get(value, value)


def role_count(role: str, n: int, language: str = "da") -> str:
    """``n`` informants of ``role`` as a sentence says it; a role without a plural keeps its code.

    >>> role_count("leder", 4, "da"), role_count("leder", 4, "en"), role_count("leder", 1, "en"), role_count("ekspert", 2, "en")
    ('4 ledere', '4 leaders', '1 leader', '2 ekspert')
    """
    if n != 1 and role in ROLE_PLURALS:
        return f"{n} {phrase(ROLE_PLURALS, role, language)}"
    return f"{n} {code_text(role, language)}"


def cell_text(value: object, language: str = "da", digits: int = 2) -> str:
    """One cell as the page writes it: empty when missing, ja/nej, whole numbers plain, decimals localised.

    >>> [cell_text(v, "da") for v in (0.114, 3.0, 7, True, None, float("nan"), "medarbejder")]
    ['0,11', '3', '7', 'ja', '', '', 'medarbejder']
    >>> [cell_text(v, "en") for v in (0.114, False, "medarbejder")]
    ['0.11', 'no', 'staff member']
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool) or (hasattr(value, "dtype") and getattr(value, "dtype", None) == np.dtype(bool)):
        return phrase(PHRASES, "yes" if bool(value) else "no", language)
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        if math.isnan(float(value)):
            return ""
        if float(value).is_integer():
            return str(int(float(value)))
        return number(float(value), language, digits)
    return code_text(str(value), language)


def table_html(
    frame: pd.DataFrame, language: str = "da", *, max_rows: int = 20, digits: int = 2, full_table: str | None = None
) -> str:
    """``frame`` as an HTML table for people: see the module docstring for what changes.

    Parameters
    ----------
    frame : DataFrame
        The table as the stage computed it; its index is not shown.
    language : str
        ``da`` or ``en``: headers, codes and numbers.
    max_rows : int
        Longer tables show their first ``max_rows`` rows and say how many there are.
    digits : int
        Decimals of a number that is not whole.
    full_table : str, optional
        A link, relative to the page, to the whole table (shown under a cut table).

    Returns
    -------
    str
        ``<table>`` markup (every cell escaped) followed by a ``<p>`` with the row count and link.

    Examples
    --------
    >>> frame = pd.DataFrame({"informant_role": ["leder", "medarbejder"], "estimate": [0.114, 0.5]})
    >>> print(table_html(frame, "en", max_rows=1, full_table="tabeller/x.xlsx"))  # doctest: +NORMALIZE_WHITESPACE
    <table class="lovende-table"><thead><tr><th>Role</th><th>Estimate</th></tr></thead>
    <tbody><tr><td>leader</td><td class="number">0.11</td></tr></tbody></table>
    <p class="lovende-table-note">Showing the first 1 of 2 rows. <a href="tabeller/x.xlsx">The full table</a></p>
    """
    if max_rows < 1:
        raise ArgumentError("max_rows", max_rows, Text("et heltal på mindst 1", "a whole number of at least 1"))
    shown = frame.head(max_rows)
    heads = "".join(f"<th>{html.escape(header(str(c), language))}</th>" for c in shown.columns)
    numeric = [
        pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c]) for c in shown.columns
    ]
    rows = []
    for values in shown.itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="number">{html.escape(cell_text(v, language, digits))}</td>'
            if is_number
            else f"<td>{html.escape(cell_text(v, language, digits))}</td>"
            for v, is_number in zip(values, numeric, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    table = f'<table class="lovende-table"><thead><tr>{heads}</tr></thead>\n<tbody>{"".join(rows)}</tbody></table>'
    cut = len(frame) > len(shown)
    if cut:
        note = phrase(PHRASES, "shown", language, shown=len(shown), n=len(frame))
    else:
        note = (
            phrase(PHRASES, "one_row", language)
            if len(frame) == 1
            else phrase(PHRASES, "all_rows", language, n=len(frame))
        )
    if full_table is not None:
        note += f' <a href="{html.escape(full_table, quote=True)}">{phrase(PHRASES, "full", language)}</a>'
    return f'{table}\n<p class="lovende-table-note">{note}</p>'


def show_table(
    frame: pd.DataFrame, language: str = "da", *, max_rows: int = 20, digits: int = 2, full_table: str | None = None
) -> None:
    """Show ``frame`` in the notebook (and so on the page) as :func:`table_html` writes it."""
    from IPython.display import HTML, display

    display(HTML(table_html(frame, language, max_rows=max_rows, digits=digits, full_table=full_table)))
