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
# # 4. Samlet rapport
#
# Kortlægningen samlet for læseren: hvad der blev kortlagt og hvordan, elementernes mønster på tværs af
# praksisserne, rangeringen med dens usikkerhed, hvad tjekkene for subjektivitetsbias fandt, og de
# forbehold resultaterne skal læses med. Hvert tal kommer fra de tabeller, trin 1–3 skrev, og hver figur
# oplyser, hvilken notebook der lavede den.

# %% [markdown] tags=["en"]
# # 4. Synthesis report
#
# The mapping summed up for the reader: what was mapped and how, the element pattern across practices,
# the ranking with its uncertainty, what the subjectivity-bias checks found, and the caveats the results
# must be read with. Every number comes from the tables stages 1–3 wrote, and every figure says which
# notebook made it.

# %% tags=["parameters"]
study_dir = "../data/raw/example"  # the study folder (read only)
processed_dir = "../data/processed"  # where stages 1–3 wrote <study>/screening, scores and bias
language = "da"  # da or en: the language of the generated text

# %%
from pathlib import Path

from IPython.display import Markdown, display

from lovende_research import synthesis
from lovende_research.display import show_svg
from lovende_research.errors import print_errors_in
from lovende_research.study import Study

print_errors_in(language)  # what fails in this kernel reaches the reader in the notebook's language
study = Study.load(study_dir)
results = synthesis.load_results(Path(processed_dir) / study.name, language)


def figure(name: str) -> None:
    show_svg(results.figures[name])
    display(Markdown(f"*{synthesis.figure_caption(name, language)}*"))


display(Markdown(f"**{study.config.title}**"))
display(Markdown("\n".join(f"> {caveat}\n>" for caveat in synthesis.caveats(study, language))))

# %% [markdown] tags=["da"]
# ## Hvad blev kortlagt, og hvordan

# %% [markdown] tags=["en"]
# ## What was mapped and how

# %%
display(Markdown(synthesis.flow_sentence(results.flow, language) + " " + synthesis.interview_sentence(study, language)))
figure("flow")

# %% [markdown] tags=["da"]
# ## Elementernes mønster
#
# Hver række er en praksis, hver kolonne et af typologiens 11 elementer. Grå felter havde for få svar
# til en score og skal læses som *ukendt*, ikke som svagt.

# %% [markdown] tags=["en"]
# ## The element pattern
#
# Each row is a practice, each column one of the typology's 11 elements. Grey cells had too few answers
# for a score and must be read as *unknown*, not as weak.

# %%
display(Markdown(synthesis.pattern_sentence(results.element_pattern, study.instrument, language)))
figure("heatmap")
figure("element_pattern")

# %% [markdown] tags=["da"]
# ## Rangeringen og dens usikkerhed
#
# Prikken er praksissens rang efter samlet indeks, stregen dens rang-interval (fra trin 2's model, der
# låner spredningen mellem informanter fra alle praksisser, eller fra bootstrap, hvis trin 2 blev kørt
# sådan). Hvor to streger overlapper, kan data ikke afgøre, hvilken praksis der rangerer højest. Søjlen
# til højre og tabellen giver sandsynligheden for en topplacering, regnet i de samme træk: hvor sikker
# en plads i toppen er, som evidensregistrenes etiketter ikke siger.

# %% [markdown] tags=["en"]
# ## The ranking and its uncertainty
#
# The dot is a practice's rank by overall index, the bar its rank interval (from stage 2's model, which
# borrows the spread between informants from all practices, or from the bootstrap if stage 2 was run
# so). Where two bars overlap, the data cannot tell which practice ranks higher. The bar on the right
# and the table give the probability of a top place, from the same draws: how sure a place at the top
# is, which the labels of evidence registries do not say.

# %%
display(
    Markdown(
        synthesis.ranking_sentence(results.ranks, results.overall, language)
        + " "
        + synthesis.top_certainty_sentence(results.ranks, language)
    )
)
figure("ranks")
display(Markdown(synthesis.ranking_table(results.ranks, results.overall, language)))

# %% [markdown] tags=["da"]
# ## Mulig sikker praksis
#
# Måleredskabet spørger, om virkningen er afprøvet i et videnskabeligt forsøg. Et ja gør ikke en praksis
# mere lovende; det betyder, at den måske er *sikker praksis* og skal have en ekspertvurdering af
# evidensen. Derfor står den her for sig, adskilt fra den lovende score og rangeringen.

# %% [markdown] tags=["en"]
# ## Possible sikker praksis
#
# The measuring tool asks whether the effect has been tested in a scientific trial. A yes does not make
# a practice more promising; it means it may be *sikker praksis* (proven practice) and needs an expert
# look at the evidence. It therefore stands here on its own, apart from the lovende score and the
# ranking.

# %%
display(Markdown(synthesis.sikker_sentence(results.screen_flags, language)))

# %% [markdown] tags=["da"]
# ## Tjek for subjektivitetsbias
#
# Ville kortet se anderledes ud, hvis vi havde spurgt nogle andre? Hvert tjek fra trin 3 med dets
# konklusion; figurerne og detaljerne står på siden for trin 3.

# %% [markdown] tags=["en"]
# ## Subjectivity-bias checks
#
# Would the map change if we had asked someone else? Each check from stage 3 with its verdict; the
# figures and details are on the stage 3 page.

# %%
display(
    Markdown(
        "\n\n".join(
            f"**{heading}.** {text}" for heading, text in synthesis.verdict_sections(results.verdicts, language)
        )
    )
)
sentence, flag_list = synthesis.flagged_practices(results.flags, language)
display(Markdown(sentence + "\n\n" + flag_list))

# %% [markdown] tags=["da"]
# ## Forbehold
#
# Resultaterne er en kortlægning, ikke en effektmåling: et højt samlet indeks betyder, at praksissen lever
# op til flere af typologiens elementer efter informanternes udsagn, ikke at den virker. Forbeholdene
# øverst på siden gælder alle tal i rapporten.

# %% [markdown] tags=["en"]
# ## Caveats
#
# The results are a mapping, not an effect study: a high overall index means the practice lives up to
# more of the typology's elements by its informants' account, not that it works. The caveats at the top
# of the page apply to every number in the report.
