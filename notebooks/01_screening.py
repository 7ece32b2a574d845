# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: lovende-research
#     language: python
#     name: lovende-research
# ---

# %% [markdown] tags=["da"]
# # 1. Screening: katalog, dobbeltscreening, flow og udvælgelse
#
# Kortlægningens første trin. Kataloget over kandidatpraksisser gennemgås for dubletter, to screenere
# vurderer uafhængigt af hinanden hver praksis ud fra inklusionskriterierne, deres uenigheder listes og
# afgøres, antallet af praksisser efter hvert trin samles i et flowdiagram i PRISMA-stil, og blandt de
# egnede praksisser udvælges reproducerbart dem, der skal interviewes.
#
# Alt, hvad notebooken viser, beregnes af `lovende_research.screening`; tabellerne gemmes som Parquet og
# figurerne som SVG i `<processed_dir>/<study>/screening/`, sammen med en `manifest.json` til de
# senere trin.

# %% [markdown] tags=["en"]
# # 1. Screening: catalogue, dual screening, flow and selection
#
# The first stage of a mapping. A catalogue of candidate practices is checked for duplicates, two
# screeners judge every practice against the inclusion criteria independently, their disagreements are
# listed and resolved, the counts at every step make a PRISMA-style flow diagram, and a reproducible
# sample of eligible practices is drawn for interview.
#
# Everything this notebook shows is computed by `lovende_research.screening`; the tables are written as
# Parquet and the figures as SVG under `<processed_dir>/<study>/screening/`, with a `manifest.json`
# for the later stages.

# %% tags=["parameters"]
study_dir = "../data/raw/example"  # the study folder (read only)
processed_dir = "../data/processed"  # outputs go to <processed_dir>/<study>/screening/
language = "da"  # da or en: language of figures and generated prose
seed = None  # seed of the random selection; None uses the seed in study.yml
n_select = 14  # number of practices to select for interview (used by the stratified rule)
strata = ["target_group", "provider_type"]  # candidate columns to stratify on; [] gives a simple random sample
selection_rule = "stratified"  # "stratified" (drawn with the seed) or "list" (selected.csv in the study folder)

# %%
from pathlib import Path

from IPython.display import Markdown, display

from lovende_research import screening
from lovende_research.display import markdown_text
from lovende_research.errors import print_errors_in
from lovende_research.i18n import phrase
from lovende_research.io import write_json, write_parquet
from lovende_research.people_tables import show_table
from lovende_research.plots import screening as screening_plots
from lovende_research.plots import show_figure
from lovende_research.study import Study

print_errors_in(language)  # what fails in this kernel reaches the reader in the notebook's language
study = Study.load(study_dir)
seed = study.config.seed if seed is None else seed
strata = list(strata)
screening.check_parameters(
    language=language, selection_rule=selection_rule, n_select=n_select, strata=strata, seed=seed
)
out_dir = Path(processed_dir) / study.name / "screening"
written: list[Path] = []
full_table = "tabeller/01_screening.xlsx"  # the stage's workbook beside the page (written by the runner)
display(
    Markdown(
        f"**{markdown_text(study.config.title)}**"
        + (phrase(screening.PHRASES, "synthetic_note", language) if study.config.synthetic else "")
    )
)

# %% [markdown] tags=["da"]
# ## Kandidatkataloget
#
# Hvor mange kandidatpraksisser hver kommune eller organisation har indberettet, fordelt på udbydertype,
# målgruppe og formål. En praksis kan have flere formål (forebyggende, opsporende, rådgivende,
# behandlende), så søjlerne for formål kan tilsammen tælle flere end antallet af praksisser.

# %% [markdown] tags=["en"]
# ## The candidate catalogue
#
# How many candidate practices each municipality or organisation reported, by provider type, target
# group and purpose. A practice can have several purposes (forebyggende, opsporende, rådgivende,
# behandlende: preventive, detecting, advisory, treating), so the purpose bars can add up to more than
# the number of practices.

# %%
catalogue = screening.catalogue_counts(study.candidates)
written.append(write_parquet(catalogue, out_dir / "catalogue_counts.parquet"))
figure = screening_plots.catalogue_figure(catalogue, language=language)
written += show_figure(figure, out_dir / "catalogue")

# %% [markdown] tags=["da"]
# ## Mulige dubletter
#
# Den samme praksis bliver ofte indberettet to gange (af kommunen og af tilbuddet selv, eller i både en
# spørgeskemaundersøgelse og et interview). Par med samme udbyder og næsten samme navn markeres her og
# **fjernes ikke**: forskerne træffer beslutningen i `duplicates.csv` i studiemappen (kolonnerne
# `practice_id` og `duplicate_of`). Indtil den fil findes, beholdes og screenes alle markerede par.

# %% [markdown] tags=["en"]
# ## Possible duplicates
#
# The same practice is often reported twice (by a municipality and by the service itself, or in a survey
# and an interview). Pairs with the same provider and a near-identical name are flagged here and **not
# dropped**: the researchers decide in `duplicates.csv` in the study folder (columns `practice_id`,
# `duplicate_of`). Until that file exists, every flagged pair is kept and screened.

# %%
flagged = screening.find_duplicates(study.candidates)
review = screening.duplicate_review(study.candidates, flagged, study.duplicates)
removed = screening.removed_duplicates(review)
written.append(write_parquet(review, out_dir / "duplicates.parquet"))
show_table(review, language, full_table=full_table)

# %% [markdown] tags=["da"]
# ## Enighed mellem screenerne
#
# Procentvis enighed og Cohens kappa (enighed ud over det tilfældige) for hvert kriterium og for
# screenernes samlede vurdering (en screener inkluderer en praksis, når vedkommende har inkluderet den på
# alle kriterier). Linjerne er 95 %-konfidensintervaller ud fra standardfejlen for store stikprøver
# (Fleiss, Cohen & Everitt 1969): brede intervaller betyder få praksisser, ikke nødvendigvis en dårlig
# screening. Kappa er ikke defineret, når begge screenere har brugt den samme kategori hele vejen
# igennem; figuren skriver det i stedet for at tegne et nul.

# %% [markdown] tags=["en"]
# ## Agreement between the screeners
#
# Percent agreement and Cohen's kappa (agreement beyond chance) per criterion, and for the screeners'
# overall verdict (a screener includes a practice when they include it on every criterion). The bars
# are 95 % confidence intervals from the large-sample standard error (Fleiss, Cohen & Everitt 1969): wide
# intervals mean few practices, not necessarily poor screening. Kappa is undefined when both screeners
# used one category throughout; the figure says so instead of drawing a zero.

# %%
screened = screening.screened_rows(study.screening, removed)
screening.check_all_screened(study.candidates, screened, removed)
agreement = screening.screening_agreement(screened)
written.append(write_parquet(agreement, out_dir / "agreement.parquet"))
figure = screening_plots.agreement_figure(agreement, language=language)
written += show_figure(figure, out_dir / "agreement")
show_table(
    agreement[["criterion", "n_subjects", "percent_agreement", "estimate", "ci_low", "ci_high", "n_conflicts"]],
    language,
    full_table=full_table,
)

# %% [markdown] tags=["da"]
# ## Uenigheder til konsensusmødet
#
# Hver praksis og hvert kriterium, som screenerne er uenige om, med hver screeners beslutning, begrundelse
# og note. En uenighed afgøres ved at udfylde `reconciled_decision` i screeningtabellen;
# konsensusbeslutningen går så forud. Uafgjorte uenigheder stopper notebooken i den næste celle med en liste over
# de praksisser, der stadig mangler en beslutning (tabellen over uenigheder gemmes først, så den kan
# printes til mødet).

# %% [markdown] tags=["en"]
# ## Conflicts for the consensus meeting
#
# Every practice and criterion the screeners disagree on, with each screener's decision, reason and
# note. A conflict is resolved by filling `reconciled_decision` in the screening table; the consensus
# decision then wins. Unresolved conflicts stop the notebook in the next cell with a list of the
# practices that still need a decision (the conflict table is written first, so it can be printed for
# the meeting).

# %%
conflicts = screening.screening_conflicts(screened, study.candidates)
written.append(write_parquet(conflicts, out_dir / "conflicts.parquet"))
display(
    Markdown(
        phrase(
            screening.PHRASES,
            "conflicts_summary",
            language,
            n=len(conflicts),
            resolved=int(conflicts["resolved"].sum()),
        )
    )
)
show_table(conflicts, language, full_table=full_table)

# %%
decisions = screening.final_decisions(screened)
eligibility = screening.practice_eligibility(decisions)
written.append(write_parquet(decisions, out_dir / "decisions.parquet"))
written.append(write_parquet(eligibility, out_dir / "eligibility.parquet"))

# %% [markdown] tags=["da"]
# ## Udvælgelse til interview
#
# Med den stratificerede regel trækkes stikprøven blandt de egnede praksisser med det angivne seed,
# stratificeret efter de valgte kolonner i kandidatkataloget: hvert ikke-tomt stratum får mindst én
# praksis, når `n_select` tillader det, og resten fordeles i forhold til stratumstørrelsen. Med
# listereglen bruges forskernes egen `selected.csv`, efter at det er kontrolleret, at hver praksis på
# listen er egnet. Teksten nedenfor dannes ud fra selve udvælgelsen.

# %% [markdown] tags=["en"]
# ## Selection for interview
#
# With the stratified rule, the sample is drawn from the eligible practices with the seed, stratified on
# the chosen candidate columns: every non-empty stratum gets at least one practice when `n_select`
# allows, the rest in proportion to stratum size. With the list rule, the researchers' own
# `selected.csv` is used after checking that every listed practice is eligible. The text below is
# generated from the selection itself.

# %%
eligible = screening.eligible_candidates(study.candidates, eligibility)
if selection_rule == "list":
    if study.selected is None:
        raise screening.SelectionError(f"selection_rule = 'list', men {study.path / 'selected.csv'} findes ikke")
    chosen = study.selected["practice_id"].tolist()
    selection = screening.select_from_list(
        eligible, chosen, strata=strata, screened_ids=eligibility["practice_id"].tolist()
    )
else:
    selection = screening.select_stratified(eligible, strata=strata, n_select=n_select, seed=seed)
written.append(write_parquet(selection, out_dir / "selection.parquet"))
selection_text = screening.describe_selection(selection, eligible=eligible, strata=strata, language=language)
display(Markdown(selection_text))
show_table(selection, language, full_table=full_table)

# %% [markdown] tags=["da"]
# ## Flowet
#
# Identificeret → dubletter fjernet → screenet → ekskluderet (pr. grund) → egnet → udvalgt. Hvert tal i
# flowdiagrammet er talt op fra tabellerne ovenfor. En ekskluderet praksis tælles én gang, under
# begrundelsen for det første kriterium, den blev ekskluderet på.

# %% [markdown] tags=["en"]
# ## The flow
#
# Identified → duplicates removed → screened → excluded (per reason) → eligible → selected. Every number
# in the diagram is counted from the tables above. An excluded practice is counted once, under the reason
# for the first criterion that excluded it.

# %%
flow = screening.flow_counts(study.candidates, review, eligibility, selection)
written.append(write_parquet(flow, out_dir / "flow.parquet"))
figure = screening_plots.flow_diagram(flow, language=language)
written += show_figure(figure, out_dir / "flow")
flow_text = screening.describe_flow(flow, review, language=language)
display(Markdown(flow_text))

# %% [markdown] tags=["da"]
# ## Manifest
#
# Parametre, optællinger og udvælgelsesregel, til interviewtrinnet og metodebilaget.

# %% [markdown] tags=["en"]
# ## Manifest
#
# The parameters, counts and selection rule, for the interview stage and the methods appendix.

# %%
manifest = screening.screening_manifest(
    study_name=study.name,
    synthetic=study.config.synthetic,
    parameters={
        "language": language,
        "seed": seed,
        "n_select": n_select,
        "strata": strata,
        "selection_rule": selection_rule,
    },
    flow=flow,
    review=review,
    decision_file=study.duplicates is not None,
    agreement=agreement,
    selection=selection,
    description=selection_text + " " + flow_text,
    outputs=[p.name for p in written] + ["manifest.json"],
    checksums=study.checksums(),
)
write_json(out_dir / "manifest.json", manifest)
sorted(manifest["outputs"])
