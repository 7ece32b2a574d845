"""The texts of an empty study (:mod:`lovende_research.templates`): the coding workbook's instructions,
the commented ``study.yml`` and the folder's README, in Danish and English.

Kept apart from the code that writes them, since they are most of its length and change for other
reasons (wording, a new key of ``study.yml``) than the code does.
"""

from __future__ import annotations

# The instructions sheet, one paragraph per row. ``{…}`` fields are filled from the instrument.
INSTRUCTIONS: dict[str, tuple[str, ...]] = {
    "da": (
        "Vejledning til kodeskemaet",
        "Hvert spørgsmål i spørgeskemaet har én række på arket 'codings'. En koder scorer hvert spørgsmål ud fra "
        "interviewet: hvad siger informanten, og hvad viser materialet?",
        "1. Én blok pr. koder pr. interview. Enten udfylder hver koder sin egen kopi af denne projektmappe pr. "
        "interview, og rækkerne samles bagefter på ét ark i codings.xlsx; eller man kopierer hele blokken af "
        "rækker ({rows} rækker: række {first}–{last}) ned under sig selv én gang pr. interview og koder. "
        "Studiet læser ét kodeark: arket 'codings' i codings.xlsx. Nemmere, når interviews.csv er udfyldt: "
        "`lovende workbooks <mappe> --coders K1,K2` skriver et kodeark pr. koder med ét udfyldt ark pr. interview; læg "
        "de udfyldte i en mappe codings/ i studiemappen i stedet for codings.xlsx.",
        "2. Skriv interview_id (som i interviews.csv) og coder_id (koderens pseudonym, fx K1) i hver eneste række.",
        "3. Vælg svaret i rullelisten i kolonnen response. Skalaen er: {scale}.",
        "4. Lad aldrig et svar stå tomt. Brug {missing}: et tomt felt kan ikke skelnes fra et glemt, og "
        "'{dont_know}' tælles aldrig som 0 – scoren viser i stedet, hvor mange spørgsmål der er besvaret.",
        "5. Spørgsmålet {screen_id} om sikker praksis besvares med {screen_answers} (eller en af "
        "manglende-koderne). Det indgår ikke i scoren for lovende praksis, men markerer praksisser, hvis "
        "evidens en fagperson bør se på.",
        "6. Kun pseudonymer. Skriv aldrig navne på informanter, borgere eller medarbejdere – heller ikke i note.",
        "7. Når koderne er blevet enige, kan den fælles kode skrives med coder_id '{consensus}'; den vinder over "
        "koderens egne.",
        "8. delimitation_id lades tom for praksissens hovedafgrænsning ('{main}'). Koder I under en alternativ "
        "afgrænsning, skrives dens id fra delimitations.csv.",
        "9. Ret ikke i kolonnerne item_id, element og question, flyt ikke overskriftsrækken, og omdøb ikke arket "
        "'codings'. Arket '{lists}' (skjult) rummer rullelisternes svar; ret heller ikke i det.",
        "Spørgeskemaet: {instrument} (version {version}). {note}",
        "Kontrollér studiet med: lovende validate <mappe>. Formatet er beskrevet i docs/study-format.md i lovende-research.",
    ),
    "en": (
        "Instructions for the coding sheet",
        "Every questionnaire item has one row on the sheet 'codings'. A coder scores every item from the "
        "interview: what does the informant say, and what does the material show?",
        "1. One block per coder per interview. Either each coder fills in their own copy of this workbook per "
        "interview and the rows are then gathered on one sheet in codings.xlsx, or the whole block of rows "
        "({rows} rows: rows {first}–{last}) is copied down below itself once per interview and coder. The "
        "study reads one coding sheet: the sheet 'codings' in codings.xlsx. Easier, once interviews.csv is filled in: "
        "`lovende workbooks <folder> --coders K1,K2` writes a workbook per coder with one pre-filled sheet per interview; "
        "put the filled ones in a folder codings/ of the study instead of codings.xlsx.",
        "2. Fill in interview_id (as in interviews.csv) and coder_id (the coder's pseudonym, e.g. K1) on every row.",
        "3. Pick the answer from the dropdown in the response column. The scale is: {scale}.",
        "4. Never leave an answer blank. Use {missing}: a blank cell cannot be told apart from a forgotten one, "
        "and '{dont_know}' is never scored as 0 – the score reports how many items were answered instead.",
        "5. The proven-practice item {screen_id} is answered {screen_answers} (or one of the missing codes). It "
        "is not part of the promising-practice score, but flags practices whose evidence an expert should review.",
        "6. Pseudonyms only. Never write names of informants, citizens or staff – not in note either.",
        "7. When the coders have agreed, the agreed code can be written with coder_id '{consensus}'; it wins over "
        "the coders' own.",
        "8. Leave delimitation_id empty for the practice's main delimitation ('{main}'). When coding under an "
        "alternative delimitation, write its id from delimitations.csv.",
        "9. Do not edit the columns item_id, element and question, do not move the header row, and do not "
        "rename the sheet 'codings'. The (hidden) sheet '{lists}' holds the dropdowns' answers; leave it as it is.",
        "The questionnaire: {instrument} (version {version}). {note}",
        "Check the study with: lovende validate <folder>. The format is described in docs/study-format.md in lovende-research.",
    ),
}

STUDY_YML: dict[str, str] = {
    "da": """\
# Studiets opsætning, skrevet af `lovende new-study`.
# Hver nøgle er beskrevet i docs/study-format.md i lovende-research.

# Studiets titel, vist i hver rapport (påkrævet).
title: {title}

# Rapporternes sprog: da eller en.
language: {language}

# Spørgeskemaet: 'bundled' (arbejdsversionen, der følger med lovende-research; ikke det officielle
# måleredskab) eller en sti til en instrument-YAML, relativt til denne mappe.
instrument: {instrument}

# Studiets seed til alle tilfældige trin (udvælgelse til interview, bootstrap).
# Fastlæg det før første udvælgelse, og ret det ikke bagefter.
seed: {seed}

# true kun for simulerede data; rapporterne siger det så på hver side.
synthetic: false

# Fri tekst, vist i metodebilaget.
notes: ""

# Notebook-parametre til `lovende run`, pr. trin, fx  screening: {{n_select: 14}}
parameters: {{}}

# true: fritekstnoter (screenings- og kodernoter, beskrivelser) læses med og kan stå på siderne.
# Som standard udelades de, for et navn skrives let ind i en note.
show_notes: false

# Tekster (fx navne), der skjules overalt i studiets filer, som [skjult 1], [skjult 2], …
redact: []

# true: kodede citater fra et REFI-QDA-projekt (codings.qdpx) vises på praksissiderne (docs/qda.md).
show_quotes: false

# Tidligere runder af samme kortlægning, som mapper relativt til denne (`lovende compare`, docs/rounds.md).
rounds: []
""",
    "en": """\
# The study's settings, written by `lovende new-study`.
# Every key is described in docs/study-format.md in lovende-research.

# The study's title, shown in every report (required).
title: {title}

# The language of reports: da or en.
language: {language}

# The questionnaire: 'bundled' (lovende-research's own working version, not the official measuring
# tool) or a path to an instrument YAML, relative to this folder.
instrument: {instrument}

# The study's seed for every random step (selection for interview, bootstrap).
# Fix it before the first selection and do not change it afterwards.
seed: {seed}

# true only for simulated data; reports then say so on every page.
synthetic: false

# Free text, shown in the methods appendix.
notes: ""

# Notebook parameters for `lovende run`, per stage, e.g.  screening: {{n_select: 14}}
parameters: {{}}

# true: free-text notes (screening and coder notes, descriptions) are read and may appear on pages.
# By default they are left out, since a name is easily typed into a note.
show_notes: false

# Texts (names, say) masked wherever they occur in the study's files, as [skjult 1], [skjult 2], …
redact: []

# true: coded quotes from a REFI-QDA project (codings.qdpx) appear on the practice pages (docs/qda.md).
show_quotes: false

# Earlier rounds of the same mapping, as folders relative to this one (`lovende compare`, docs/rounds.md).
rounds: []
""",
}

README: dict[str, str] = {
    "da": """\
# {title}

En studiemappe til en kortlægning af lovende praksis med lovende-research. Filerne er tomme skabeloner;
udfyld dem, og kontrollér mappen med `lovende validate <mappe>`. Hver fil og kolonne er beskrevet i
`docs/study-format.md` i lovende-research.

| fil | indhold |
|---|---|
| `study.yml` | studiets titel, sprog, spørgeskema, seed og noter |
| `candidates.csv` | kataloget over kandidatpraksisser: én række pr. praksis |
| `screening.csv` | to screeneres uafhængige vurderinger: én række pr. praksis × screener × kriterium |
| `interviews.csv` | hvem der er interviewet om hvilken praksis – **kun pseudonymer** |
| `codings.xlsx` | kodeskemaet: én række pr. interview × koder × spørgsmål; se arket 'Vejledning' |
| `delimitations.csv` | valgfri: alternative afgrænsninger af en praksis (slet filen, hvis I ikke bruger den) |
{instrument_row}
CSV-filerne er UTF-8 og semikolonseparerede, som dansk Excel gemmer dem; decimalkomma er tilladt.
Tabellerne må også gemmes som `.xlsx` (fx `candidates.xlsx`), men kun én fil pr. tabel.

Efter oprettelsen skriver programmet aldrig i denne mappe: resultater lægges under `data/processed/` og `reports/`.
""",
    "en": """\
# {title}

A study folder for a mapping of promising practice with lovende-research. The files are empty
templates; fill them in and check the folder with `lovende validate <folder>`. Every file and column is
described in `docs/study-format.md` in lovende-research.

| file | contents |
|---|---|
| `study.yml` | the study's title, language, questionnaire, seed and notes |
| `candidates.csv` | the catalogue of candidate practices: one row per practice |
| `screening.csv` | two screeners' independent decisions: one row per practice × screener × criterion |
| `interviews.csv` | who was interviewed about which practice – **pseudonyms only** |
| `codings.xlsx` | the coding sheet: one row per interview × coder × item; see the sheet 'Instructions' |
| `delimitations.csv` | optional: alternative delimitations of a practice (delete it if unused) |
{instrument_row}
The CSV files are UTF-8 and comma separated. A table may also be saved as `.xlsx` (e.g.
`candidates.xlsx`), but only one file per table.

Once created, the folder is never written to by the software: results go under `data/processed/` and `reports/`.
""",
}
INSTRUMENT_ROW = {
    "da": "| `{name}` | spørgeskemaet, kopieret fra {source} |\n",
    "en": "| `{name}` | the questionnaire, copied from {source} |\n",
}
