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

# %% [markdown]
# # 02 Kodning og scoring af interview / Interview coding and scoring
#
# Coders have scored every questionnaire item from each interview. This notebook turns the codings into
# what the mapping is for: a **profile of the 11 elements per practice**, with its uncertainty, and a
# **ranking across practices** that shows which ranks can really be told apart.
#
# The steps, each a function in `lovende_research.scoring` (documented and tested there):
#
# 1. **Coder reconciliation.** Where the two coders differ on an item, a consensus code (coder id
#    `konsensus`) wins; without one the parameter `reconcile_rule` decides: `median` (the midpoint of
#    two coders) or `lower` (the conservative reading). The differing items are listed for a consensus
#    meeting.
# 2. **Element scores per interview.** Item codes are rescaled to 0–1; *ved ikke*, *ikke relevant* and
#    *ikke besvaret* are left out, never scored as 0. An element's score is the (weighted) mean of its
#    answered items, with its **coverage** (share of items answered). Below `coverage_threshold` the
#    score is reported as *insufficient*, not as low.
# 3. **Practice profiles.** Informants are aggregated per practice by the rule `aggregation`: `mean`
#    (every informant counts equally), `median`, or `leader` (the leader only, the measuring tool's
#    default respondent). The informants' spread (SD and range) is kept beside the score.
# 4. **Uncertainty.** Informants are resampled within each practice (`n_boot` replicates, seeded):
#    every element score, the overall index and every rank gets a percentile interval (`ci`).
# 5. **The sikker-praksis screen item** is reported apart from the lovende score.

# %% tags=["parameters"]
study_dir = "../data/raw/example"  # the study folder (read-only)
processed_dir = "../data/processed"  # tables are written to <processed_dir>/<study>/scores/
language = "da"  # da or en, the language of labels and figures
seed = 2017  # seed of the bootstrap (the runner passes the study's seed)
aggregation = "mean"  # how informants become one score per practice: mean, median or leader
n_boot = 2000  # number of bootstrap replicates over informants
reconcile_rule = "median"  # rule for differing coders without a consensus code: median or lower
coverage_threshold = 0.5  # share of an element's items (and of elements, for the index) that must be answered
delimitation = "main"  # the delimitation to score (main: the practice as first delimited)
ci = 0.95  # coverage of every interval

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from lovende_research.io import write_json
from lovende_research.plots import save_figure
from lovende_research.plots import scores as score_plots
from lovende_research.scoring import score_study
from lovende_research.study import Study

study = Study.load(study_dir)
out_dir = Path(processed_dir) / study.name / "scores"
figure_dir = out_dir / "figures"
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
)
written = tables.write(out_dir)
print(f"{study.config.title}" + ("  [SYNTETISKE DATA / SYNTHETIC DATA]" if study.config.synthetic else ""))
print(f"Instrument: {study.instrument.version}" + ("" if study.instrument.official else " (ikke officielt / not official)"))
print(f"{len(written)} tabeller skrevet til / tables written to {out_dir}")

# %% [markdown]
# ## Coder disagreements for the consensus meeting
#
# Each row is an interview × item where the coders' answers differ (a different scale code, or a code
# against a missing code). `max_difference` is the distance in scale steps; `resolved` says whether a
# consensus code has already been entered. Print this table for the meeting, enter the agreed codes as
# coder `konsensus` in the codings file, and rerun: the consensus code then wins.

# %%
conflicts = tables.coder_conflicts
print(f"{len(conflicts)} uenigheder / disagreements, {int(conflicts['resolved'].sum())} løst / resolved")
display(conflicts.head(20))
display(tables.item_scores["source"].value_counts().rename("items"))

# %% [markdown]
# ## Heatmap: practices × elements
#
# Rows are practices ordered by their overall index (highest first), columns the 11 elements. A number
# marked `*` comes from an element where not every item was answered; a grey cell had too few answers
# for a score and must be read as *unknown*, not as weak.

# %%
figure = score_plots.heatmap(tables.profiles, tables.overall, study.instrument, language, delimitation)
save_figure(figure, figure_dir / "heatmap")
display(figure)
plt.close(figure)

# %% [markdown]
# ## Ranking with rank intervals
#
# The dot is a practice's rank by overall index; the bar its bootstrap rank interval (coverage `ci`,
# 95 % by default). Where two
# practices' bars overlap, the data cannot tell which of them ranks higher: with a handful of
# informants per practice only large differences are distinguishable.

# %%
figure = score_plots.rank_chart(tables.ranks, language, delimitation, ci)
save_figure(figure, figure_dir / "ranks")
display(figure)
plt.close(figure)
display(tables.ranks)

# %% [markdown]
# ## The element pattern across practices
#
# Each point is one practice's score on the element; the diamond is the mean across practices. The
# strongest and weakest elements are coloured. VIVE's 2017 mapping found professional reflection,
# theory and knowledge and relational collaboration strongest, and economy and documented effect
# weakest: compare.

# %%
figure = score_plots.element_pattern_chart(tables.profiles, tables.element_pattern, study.instrument, language, delimitation)
save_figure(figure, figure_dir / "element_pattern")
display(figure)
plt.close(figure)
display(tables.element_pattern)

# %% [markdown]
# ## Profiles per practice
#
# One figure per practice is written to `figures/profile_<practice>`; the highest- and lowest-ranked are
# shown here. Bars are element scores with their bootstrap intervals; a practice with a single informant
# has no interval, because one voice gives no spread to resample.

# %%
ranked = tables.ranks.dropna(subset=["rank"])["practice_id"].tolist()
for practice in tables.profiles["practice_id"].drop_duplicates():
    figure = score_plots.profile_chart(tables.profiles, practice, study.instrument, language, delimitation, ci)
    save_figure(figure, figure_dir / f"profile_{practice}")
    if ranked and practice in (ranked[0], ranked[-1]):
        display(figure)
    plt.close(figure)

# %% [markdown]
# ## The sikker-praksis screen
#
# The screen question (has the effect been tested in a scientific trial?) is kept apart from the
# lovende score. A practice is flagged for an expert look at its evidence when any interview answered
# *ja*, or when the coders disagreed.

# %%
display(tables.screen_flags[tables.screen_flags["possible_sikker"]])

# %%
write_json(
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
        },
        "inputs": study.checksums(),
        "tables": sorted(p.name for p in written),
        "figures": sorted(p.name for p in figure_dir.glob("*.png")),
    },
)
