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
# # 2. Kodning og scoring af interview
#
# Koderne har scoret hvert spørgsmål i spørgeskemaet ud fra hvert interview. Denne notebook gør
# kodningerne til det, kortlægningen er til for: en **profil over de 11 elementer for hver praksis** med
# dens usikkerhed, og en **rangering på tværs af praksisserne**, der viser, hvilke placeringer man reelt
# kan skelne fra hinanden.
#
# Trinnene er hver en funktion i `lovende_research.scoring` (dokumenteret og testet dér):
#
# 1. **Afstemning mellem koderne.** Hvor de to kodere har kodet et spørgsmål forskelligt, går en
#    konsensuskode (koder-id `konsensus`) forud; uden en sådan afgør parameteren `reconcile_rule`:
#    `median` (midtpunktet mellem to koderes koder) eller `lower` (den forsigtige læsning: den laveste
#    kode). Spørgsmålene med forskellige koder listes til et konsensusmøde.
# 2. **Elementscorer pr. interview.** Spørgsmålenes koder omregnes til 0–1; *ved ikke*, *ikke relevant* og
#    *ikke besvaret* udelades og scores aldrig som 0. Et elements score er det (vægtede) gennemsnit af
#    dets besvarede spørgsmål, og ved siden af står dets **dækning** (andelen af spørgsmålene, der er
#    besvaret). Under `coverage_threshold` angives scoren som *utilstrækkelig*, ikke som lav.
# 3. **Praksisprofiler.** Informanterne lægges sammen for hver praksis efter reglen `aggregation`: `mean`
#    (alle informanter tæller lige meget), `median` eller `leader` (kun lederen, som er måleredskabets
#    standardrespondent). Spredningen mellem informanterne (standardafvigelse og variationsbredde) står
#    ved siden af scoren. Det samlede indeks er det uvægtede gennemsnit af praksissens elementscorer; det
#    angives kun, når mindst andelen `coverage_threshold` af elementerne har en score.
# 4. **Usikkerhed.** Med to eller tre informanter siger en praksis' egen spredning næsten intet om
#    usikkerheden (bootstrap over tre informanter er blot deres mindste og største værdi og rammer den
#    sande score for sjældent). Som standard (`interval_method = "model"`) skønnes spredningen mellem
#    informanter derfor én gang ud fra alle praksisser, i en varianskomponentmodel med praksis ×
#    element og informantens rolle som faste led og informantens egen forskydning og resten som
#    tilfældige led; `n_boot` træk fra modellen (med seed) giver hver elementscore, det samlede indeks
#    og hver placering et interval (`ci`) og hver praksis sandsynligheden for at ligge i top `top_k`
#    (og i top 10 %). `interval_method = "bootstrap"` giver den tidligere percentil-bootstrap over
#    praksissens egne informanter.
# 5. **Screeningsspørgsmålet om sikker praksis** rapporteres adskilt fra den lovende score.

# %% [markdown] tags=["en"]
# # 2. Interview coding and scoring
#
# Coders have scored every questionnaire item from each interview. This notebook turns the codings into
# what the mapping is for: a **profile of the 11 elements per practice**, with its uncertainty, and a
# **ranking across practices** that shows which ranks can really be told apart.
#
# The steps, each a function in `lovende_research.scoring` (documented and tested there):
#
# 1. **Coder reconciliation.** Where the two coders differ on an item, a consensus code (coder id
#    `konsensus`) wins; without one the parameter `reconcile_rule` decides: `median` (the midpoint of
#    two coders' codes) or `lower` (the conservative reading: the lowest code). The differing items are
#    listed for a consensus meeting.
# 2. **Element scores per interview.** Item codes are rescaled to 0–1; *ved ikke*, *ikke relevant* and
#    *ikke besvaret* (don't know, not relevant, not answered) are left out, never scored as 0. An
#    element's score is the (weighted) mean of its answered items, with its **coverage** (share of items
#    answered) beside it. Below `coverage_threshold` the score is reported as *insufficient*, not as low.
# 3. **Practice profiles.** Informants are aggregated per practice by the rule `aggregation`: `mean`
#    (every informant counts equally), `median`, or `leader` (the leader only, the measuring tool's
#    default respondent). The informants' spread (standard deviation and range) is kept beside the
#    score. The overall index is the unweighted mean of the practice's element scores; it is reported
#    only when at least the share `coverage_threshold` of the elements has a score.
# 4. **Uncertainty.** With two or three informants a practice's own spread says almost nothing about its
#    uncertainty (the bootstrap over three informants is just their min–max, and misses the true score
#    too often). By default (`interval_method = "model"`) the spread between informants is therefore
#    estimated once from all practices, in a variance-components model with practice × element and the
#    informant's role as fixed terms and the informant's own offset and the residual as random terms;
#    `n_boot` seeded draws from the model give every element score, the overall index and every rank an
#    interval (`ci`), and every practice its probability of being in the top `top_k` (and the top
#    10 %). `interval_method = "bootstrap"` gives the earlier percentile bootstrap over the practice's
#    own informants.
# 5. **The sikker-praksis screen item** (possible proven practice) is reported apart from the lovende
#    score.

# %% tags=["parameters"]
study_dir = "../data/raw/example"  # the study folder (read-only)
processed_dir = "../data/processed"  # tables are written to <processed_dir>/<study>/scores/
language = "da"  # da or en, the language of labels and figures
seed = 2017  # seed of the draws (the runner passes the study's seed)
aggregation = "mean"  # how informants become one score per practice: mean, median or leader
n_boot = 2000  # number of draws (from the model, or bootstrap replicates over informants)
interval_method = "model"  # model or bootstrap: where intervals, rank intervals and P(top k) come from
top_k = 5  # k of the probability of a top-k place (the top 10 % is shown beside it)
reconcile_rule = "median"  # rule for differing coders without a consensus code: median or lower
coverage_threshold = 0.5  # share of an element's items (and of elements, for the index) that must be answered
delimitation = "main"  # the delimitation to score (main: the practice as first delimited)
ci = 0.95  # coverage of every interval
show_practices = 25  # heatmap and ranking: the best and worst N practices get a row, the others one summary row

# %%
from pathlib import Path

from lovende_research.errors import print_errors_in
from lovende_research.i18n import phrase
from lovende_research.io import write_json
from lovende_research.people_tables import show_table
from lovende_research.plots import scores as score_plots
from lovende_research.plots import show_figure
from lovende_research.scoring import PHRASES, score_study
from lovende_research.study import Study

print_errors_in(language)  # what fails in this kernel reaches the reader in the notebook's language
study = Study.load(study_dir)
out_dir = Path(processed_dir) / study.name / "scores"
figure_dir = out_dir / "figures"
full_table = "tabeller/02_interview_coding.xlsx"  # the stage's workbook beside the page (written by the runner)
figures: list[Path] = []  # what this run draws (the folder may hold an earlier run's figures)
tables = score_study(
    study,
    rule=reconcile_rule,
    aggregation=aggregation,
    coverage_threshold=coverage_threshold,
    n_boot=n_boot,
    seed=seed,
    ci=ci,
    delimitation=delimitation,
    language=language,
    interval_method=interval_method,
    top_k=top_k,
)
written = tables.write(out_dir)
print(study.config.title + (phrase(PHRASES, "synthetic_banner", language) if study.config.synthetic else ""))
print(
    phrase(PHRASES, "instrument", language, version=study.instrument.version)
    + ("" if study.instrument.official else phrase(PHRASES, "not_official", language))
)
print(phrase(PHRASES, "tables_written", language, n=len(written), path=out_dir.relative_to(Path(processed_dir))))

# %% [markdown] tags=["da"]
# ## Uenigheder mellem koderne til konsensusmødet
#
# Hver række er et interview × spørgsmål, hvor kodernes svar er forskellige (forskellige koder på
# skalaen, eller en skalakode over for en manglende kode som *ved ikke*). `max_difference` er afstanden i
# skalatrin; `resolved` viser, om der allerede er indtastet en konsensuskode. Print tabellen til mødet,
# indtast de aftalte koder som koder `konsensus` i kodningsfilen, og kør igen: så går konsensuskoden
# forud.
#
# Under tabellen står, hvor mange spørgsmålsscorer der kommer fra en konsensuskode (`konsensus`), fra
# enige kodere eller én koder (`enig`), fra reglen `reconcile_rule` (`regel`), og hvor mange der ikke har
# nogen kode på skalaen (`mangler`).

# %% [markdown] tags=["en"]
# ## Coder disagreements for the consensus meeting
#
# Each row is an interview × item where the coders' answers differ (a different scale code, or a code
# against a missing code such as *ved ikke*). `max_difference` is the distance in scale steps; `resolved`
# says whether a consensus code has already been entered. Print this table for the meeting, enter the
# agreed codes as coder `konsensus` in the codings file, and rerun: the consensus code then wins.
#
# Below the table: how many item scores come from a consensus code (`konsensus`), from agreeing coders or
# a single coder (`enig`), from the rule `reconcile_rule` (`regel`), and how many have no scale code at
# all (`mangler`).

# %%
conflicts = tables.coder_conflicts
print(phrase(PHRASES, "coder_conflicts_summary", language, n=len(conflicts), resolved=int(conflicts["resolved"].sum())))
# The page shows what the meeting reads; coders' ids and notes are in the full table (tabeller/).
show_table(
    conflicts[
        [
            "interview_id",
            "practice_id",
            "informant_role",
            "item_id",
            "question",
            "answer_1",
            "answer_2",
            "max_difference",
            "resolved",
        ]
    ],
    language,
    full_table=full_table,
)
show_table(tables.item_scores["source"].value_counts().rename_axis("source").rename("n_items").reset_index(), language)

# %% [markdown] tags=["da"]
# ## Varmekort: praksisser × elementer
#
# Rækkerne er praksisserne ordnet efter samlet indeks (højeste først), kolonnerne de 11 elementer. Et tal
# markeret med `*` kommer fra et element, hvor ikke alle spørgsmål blev besvaret; en grå celle havde for
# få svar til en score og skal læses som *ukendt*, ikke som svag.
# Med flere end dobbelt så mange praksisser som `show_practices` (en landsdækkende kortlægning) får kun
# de `show_practices` bedste og dårligste en række; rækken imellem er medianen pr. element for alle de
# øvrige, og rangeringen nedenfor viser spændet af deres pladser. Alle praksisser står i tabellerne og i
# `tabeller/`.

# %% [markdown] tags=["en"]
# ## Heatmap: practices × elements
#
# Rows are practices ordered by their overall index (highest first), columns the 11 elements. A number
# marked `*` comes from an element where not every item was answered; a grey cell had too few answers
# for a score and must be read as *unknown*, not as weak.
# With more than twice `show_practices` practices (a national mapping), only the best and the worst
# `show_practices` get a row; the row between them is the median per element of all the others, and the
# ranking below shows the span of their ranks. Every practice stays in the tables and in `tabeller/`.

# %%
figure = score_plots.heatmap(
    tables.profiles, tables.overall, study.instrument, language, delimitation, show=show_practices
)
figures += show_figure(figure, figure_dir / "heatmap")

# %% [markdown] tags=["da"]
# ## Rangering med rangintervaller og sandsynlighed for en topplacering
#
# Punktet er praksissens placering efter samlet indeks; linjen er dens interval for placeringen (niveau
# `ci`, 95 % som standard). Hvor to praksissers linjer overlapper, kan data ikke afgøre, hvilken af dem
# der ligger højest: med en håndfuld informanter pr. praksis kan kun store forskelle skelnes. Til højre
# står sandsynligheden for, at praksissen hører til de `top_k` bedste (søjlen, kolonnen `p_top_k`), og
# for de bedste 10 % (romben, `p_top_decile`), regnet i de samme træk som intervallerne.
# Evidensregistre giver en praksis en etiket uden usikkerhed; her ses, hvor sikker en topplacering er.

# %% [markdown] tags=["en"]
# ## Ranking with rank intervals and the probability of a top place
#
# The dot is a practice's rank by overall index; the bar its rank interval (coverage `ci`, 95 % by
# default). Where two practices' bars overlap, the data cannot tell which of them ranks higher: with a
# handful of informants per practice only large differences are distinguishable. On the right: the
# probability that the practice is among the best `top_k` (the bar, column `p_top_k`) and among the
# best 10 % (the diamond, `p_top_decile`), from the same draws as the intervals. Evidence registries
# label a practice without any uncertainty; here one sees how sure a top place is.

# %%
figure = score_plots.rank_chart(tables.ranks, language, delimitation, ci, show=show_practices)
figures += show_figure(figure, figure_dir / "ranks")
show_table(tables.ranks, language, full_table=full_table)

# %% [markdown] tags=["da"]
# ## Modellen bag intervallerne
#
# Varianskomponenterne på scoreskalaen 0–1: `informant` er variansen af en informants egen forskydning
# (fælles for alle elementer), `residual` den resterende variation mellem informanter pr. element, hver
# med sine frihedsgrader; rækkerne `role` er hver rolles forskydning fra den gennemsnitlige informant.
# Intervallet for en elementscore med $n$ informanter er omtrent scoren $\pm 1{,}96\sqrt{(\sigma^2_u +
# \sigma^2_\varepsilon)/n}$. Modellen skønnes også, når `interval_method = "bootstrap"`.

# %% [markdown] tags=["en"]
# ## The model behind the intervals
#
# The variance components on the 0–1 score scale: `informant` is the variance of an informant's own
# offset (shared by all elements), `residual` the remaining variation between informants per element,
# each with its degrees of freedom; the `role` rows are each role's offset from the average informant.
# The interval of an element score with $n$ informants is about the score $\pm 1.96\sqrt{(\sigma^2_u +
# \sigma^2_\varepsilon)/n}$. The model is fitted also when `interval_method = "bootstrap"`.

# %%
show_table(tables.score_model, language, digits=3, full_table=full_table)

# %% [markdown] tags=["da"]
# ## Elementernes mønster på tværs af praksisserne
#
# Hvert punkt er én praksis' score på elementet; romben er gennemsnittet på tværs af praksisserne. De tre
# stærkeste og de tre svageste elementer er farvet. VIVE's kortlægning fra 2017 fandt faglig refleksion,
# teori og viden samt relationelt samarbejde stærkest og økonomi og dokumenteret virkning svagest:
# sammenlign.

# %% [markdown] tags=["en"]
# ## The element pattern across practices
#
# Each point is one practice's score on the element; the diamond is the mean across practices. The three
# strongest and the three weakest elements are coloured. VIVE's 2017 mapping found professional
# reflection, theory and knowledge and relational collaboration strongest, and economy and documented
# effect weakest: compare.

# %%
figure = score_plots.element_pattern_chart(
    tables.profiles, tables.element_pattern, study.instrument, language, delimitation, show=show_practices
)
figures += show_figure(figure, figure_dir / "element_pattern")
show_table(tables.element_pattern, language, full_table=full_table)

# %% [markdown] tags=["da"]
# ## Profiler pr. praksis
#
# Her vises den højest og den lavest rangerede praksis (gemt i `figures/profile_<practice>`); hver
# praksis' profil står på dens egen side i rapporten (`praksis/<practice>.html`). Søjlerne er
# elementscorerne med deres intervaller. Med modellens intervaller får også en praksis med kun én
# informant et interval (spredningen er lånt fra de andre praksisser); med bootstrap har den intet,
# fordi én stemme ikke giver nogen spredning at trække fra.

# %% [markdown] tags=["en"]
# ## Profiles per practice
#
# The highest- and lowest-ranked practices are shown here (saved to `figures/profile_<practice>`); every
# practice's profile is on its own page of the report (`praksis/<practice>.html`). Bars are element
# scores with their intervals. With the model's intervals a practice with a single informant gets one
# too (the spread is borrowed from the other practices); with the bootstrap it has none, because one
# voice gives no spread to resample.

# %%
ranked = tables.ranks.dropna(subset=["rank"])["practice_id"].tolist()
for practice in dict.fromkeys(ranked[:1] + ranked[-1:]):
    figure = score_plots.profile_chart(tables.profiles, practice, study.instrument, language, delimitation, ci)
    figures += show_figure(figure, figure_dir / f"profile_{practice}")

# %% [markdown] tags=["da"]
# ## Screeningsspørgsmålet om sikker praksis
#
# Screeningsspørgsmålet (er virkningen afprøvet i et videnskabeligt forsøg?) holdes adskilt fra den
# lovende score. En praksis markeres til en ekspertvurdering af dens evidens, når mindst ét interview har
# svaret *ja*, eller når koderne var uenige uden en konsensuskode. Tabellen viser kun de markerede
# praksisser.

# %% [markdown] tags=["en"]
# ## The sikker-praksis screen
#
# The screen question (has the effect been tested in a scientific trial?) is kept apart from the
# lovende score. A practice is flagged for an expert look at its evidence when any interview answered
# *ja* (yes), or when the coders disagreed without a consensus code. The table shows the flagged
# practices only.

# %%
show_table(tables.screen_flags[tables.screen_flags["possible_sikker"]], language, full_table=full_table)

# %%
manifest_file = write_json(
    out_dir / "manifest.json",
    {
        "stage": "02_interview_coding",
        "study": study.name,
        "synthetic": study.config.synthetic,
        "instrument": {"version": study.instrument.version, "official": study.instrument.official},
        "parameters": {
            "language": language,
            "seed": seed,
            "aggregation": aggregation,
            "n_boot": n_boot,
            "reconcile_rule": reconcile_rule,
            "coverage_threshold": coverage_threshold,
            "delimitation": delimitation,
            "ci": ci,
            "interval_method": interval_method,
            "top_k": top_k,
        },
        "inputs": study.checksums(),
        "tables": sorted(p.name for p in written),
        "figures": sorted(p.name for p in figures),
    },
)
