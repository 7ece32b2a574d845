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
# # Øvelse: Hvad siger en profil over lovende praksis, og hvor skæv kan den være?
#
# **Lovende praksis** er sociale indsatser, der endnu ikke har en effektmåling bag sig, men som alligevel
# har gode chancer for at skabe fremgang for borgerne. VIVE og Socialstyrelsen har beskrevet **11 elementer**,
# der kendetegner lovende praksis (fx *teori og viden*, *faglig refleksion*, *monitorering*). En praksis
# vurderes ved at interviewe folk, der kender den: lederen, en medarbejder og en samarbejdspartner. Hvert svar
# bliver til et tal, og tallene bliver til en **profil**: én score mellem 0 og 1 for hvert element.
#
# Men svarene kommer fra mennesker. Socialstyrelsens egen erfaring er, at **informanterne betyder meget, og at
# svarene kan flyttes**. Det kaldes *subjektivitetsbias*. I denne øvelse skal I selv opleve det:
#
# * Notebooken laver først et **simuleret studie**: et opdigtet katalog over praksisser, screeninger,
#   interview og kodninger. Ingen af praksisserne eller personerne findes.
# * I studiet er der **plantet skævheder**, som I ikke får at vide på forhånd. Jeres opgave er at finde dem
#   med de samme tjek, som forskere bruger på rigtige kortlægninger.
# * Hver gruppe har sit eget simulerede studie (sit eget *seed*). Sammenlign bagefter, hvad grupperne fandt.
#
# Kør cellerne oppefra og ned (Shift+Enter). Opgaverne er markeret med ✏️. Kig ikke i filen `truth.json`
# i studiemappen før til sidst: den indeholder facit.
#
# Den eneste statistik, I behøver, er **gennemsnittet**. Alt andet forklares undervejs.

# %% [markdown] tags=["en"]
# # Tutorial: What does a promising-practice profile say, and how skewed can it be?
#
# **Promising practice** (*lovende praksis*) is social work that has no effect study behind it yet, but still
# has a good chance of helping citizens make progress. VIVE and the Danish National Board of Social Services
# described **11 elements** that mark promising practice (e.g. *theory and knowledge*, *professional
# reflection*, *monitoring*). A practice is assessed by interviewing people who know it: the leader, a staff
# member and a partner. Each answer becomes a number, and the numbers become a **profile**: one score between
# 0 and 1 for each element.
#
# But the answers come from people. The Board's own experience is that **the informants matter a great deal,
# and answers can be moved**. This is called *subjectivity bias*. In this tutorial you experience it yourself:
#
# * The notebook first makes a **simulated study**: an invented catalogue of practices, screenings,
#   interviews and codings. None of the practices or people exist.
# * Biases are **planted** in the study, and you are not told which. Your task is to find them with the same
#   checks researchers use on real mappings.
# * Each group has its own simulated study (its own *seed*). Compare what the groups found afterwards.
#
# Run the cells from top to bottom (Shift+Enter). Exercises are marked ✏️. Do not look at the file
# `truth.json` in the study folder until the end: it holds the answers.
#
# The only statistic you need is the **mean**. Everything else is explained on the way.

# %% tags=["parameters"]
seed = 1  # the group's seed: each seed gives a different simulated study
language = "da"  # da or en: the language of figures and explanations
work_dir = "../data/processed/tutorial"  # where the simulated study and its outputs go (never data/raw)
n_practices = 8  # practices interviewed in the simulated study (3 informants each)
n_boot = 200  # draws for the intervals (few, so the notebook runs fast)
top_n = 3  # the size of "the top of the ranking" in the stability check

# %%
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from lovende_research import bias, scoring, screening
from lovende_research.errors import print_errors_in
from lovende_research.i18n import check_language
from lovende_research.io import refuse_raw
from lovende_research.plots import bias as bias_plots
from lovende_research.plots import scores as score_plots
from lovende_research.plots import screening as screening_plots
from lovende_research.plots import show_figure
from lovende_research.simulate import SimulationSpec, simulate_study
from lovende_research.study import Study

check_language(language)
print_errors_in(language)  # what fails in this kernel reaches the reader in the notebook's language
work = Path(work_dir)
refuse_raw(work)
figure_dir = work / "figures"
# A small study, with the planted biases strong enough to be found with 8 practices: leaders rate their own
# practice higher, a few informants give the same answer to everything, and one practice is also coded under
# a broader delimitation.
spec = replace(
    SimulationSpec.preset("small"),
    n_interviewed=n_practices,
    ved_ikke_share=0.06,
    delimitation_shift=1.0,
    title="Øvelsesstudie (syntetisk)" if language == "da" else "Tutorial study (synthetic)",
    language=language,
)
study = Study.load(simulate_study(work / "study", spec, seed=seed))
elements = {e.id: f"{e.number}. {e.name(language)}" for e in study.instrument.elements}


def show(figure: plt.Figure, name: str) -> None:
    show_figure(figure, figure_dir / name)


display(
    Markdown(
        f"**{study.config.title}** · seed {seed} · {len(study.candidates)} "
        + ("kandidatpraksisser" if language == "da" else "candidate practices")
    )
)

# %% [markdown] tags=["da"]
# ## 1. Screening: hvilke praksisser skal med?
#
# En kortlægning starter med et **katalog** over mulige praksisser, som kommuner og organisationer har
# indberettet. To personer (*screenere*) læser hver praksis og afgør hver for sig, om den opfylder
# kriterierne: målgruppen hører til det specialiserede socialområde, praksissen er beskrevet skriftligt, og
# den er i drift. Hvor de to er uenige, mødes de og bliver enige.
#
# Figuren viser for hvert kriterium, hvor ofte de to screenere var enige. Den rå enighed (fx 90 %) lyder
# høj, men to personer, der bare gættede "ja" næsten hver gang, ville også være enige tit. Derfor står
# *kappa* ved siden af: den måler, hvor meget bedre de er end sådanne gæt. 0 betyder "ikke bedre end gæt",
# 1 betyder "helt enige". Stregen er usikkerheden: med få praksisser kan kappa svinge meget.

# %% [markdown] tags=["en"]
# ## 1. Screening: which practices are in?
#
# A mapping starts with a **catalogue** of possible practices reported by municipalities and organisations.
# Two people (*screeners*) read each practice and decide independently whether it meets the criteria: the
# target group belongs to the specialised social area, the practice is described in writing, and it is in
# operation. Where the two disagree, they meet and agree.
#
# The figure shows for each criterion how often the two screeners agreed. Raw agreement (say 90 %) sounds
# high, but two people who simply guessed "yes" nearly every time would also often agree. So *kappa* stands
# beside it: it measures how much better they are than such guesses. 0 means "no better than guessing",
# 1 means "fully agreed". The bar is the uncertainty: with few practices, kappa can swing a lot.

# %%
flagged = screening.find_duplicates(study.candidates)
review = screening.duplicate_review(study.candidates, flagged, study.duplicates)
removed = screening.removed_duplicates(review)
screened = screening.screened_rows(study.screening, removed)
agreement = screening.screening_agreement(screened)
show(screening_plots.agreement_figure(agreement, language=language), "screening_agreement")

# %% [markdown] tags=["da"]
# Her er de praksisser og kriterier, hvor screenerne var uenige, og hvad de blev enige om
# (`reconciled_decision`). Det er netop de tilfælde, et konsensusmøde skal bruge tid på.

# %% [markdown] tags=["en"]
# These are the practices and criteria where the screeners disagreed, and what they agreed on
# (`reconciled_decision`). These are exactly the cases a consensus meeting must spend time on.

# %%
conflicts = screening.screening_conflicts(screened, study.candidates)
conflicts[[c for c in conflicts.columns if not c.startswith(("reason", "note"))]]

# %% [markdown] tags=["da"]
# **Flowdiagrammet** fortæller, hvordan man kom fra hele kataloget til de praksisser, der blev interviewet:
# hvor mange der faldt fra ved hvert trin og hvorfor (dubletter, kriterier, der ikke var opfyldt). En læser
# af en kortlægning skal kunne se det, for de praksisser, der ikke kom med, kan ikke blive "lovende".

# %% [markdown] tags=["en"]
# The **flow diagram** tells how the whole catalogue became the practices that were interviewed: how many
# dropped out at each step and why (duplicates, criteria not met). A reader of a mapping must be able to see
# this, because the practices that were left out can never turn out "promising".

# %%
decisions = screening.final_decisions(screened)
eligibility = screening.practice_eligibility(decisions)
eligible = screening.eligible_candidates(study.candidates, eligibility)
selection = screening.select_from_list(
    eligible, study.selected["practice_id"].tolist(), screened_ids=eligibility["practice_id"].tolist()
)
flow = screening.flow_counts(study.candidates, review, eligibility, selection)
show(screening_plots.flow_diagram(flow, language=language), "flow")

# %% [markdown] tags=["da"]
# ## 2. Fra interview til profil
#
# Hver udvalgt praksis er beskrevet af tre informanter: lederen (`leder`), en medarbejder (`medarbejder`)
# og en samarbejdspartner (`samarbejdspartner`). To kodere har lyttet til hvert interview og givet hvert
# spørgsmål en kode fra 1 (*slet ikke*) til 4 (*i høj grad*), eller *ved ikke* / *ikke relevant*.
#
# Sådan bliver koderne til en profil, og det er bare gennemsnit:
#
# 1. Koden omregnes til en værdi mellem 0 og 1: 1 → 0, 2 → 0,33, 3 → 0,67, 4 → 1.
# 2. Et elements score for én informant er **gennemsnittet** af værdierne på elementets spørgsmål.
#    *Ved ikke* tæller ikke med: det er ikke et lavt svar, det er et manglende svar.
# 3. Praksissens score på elementet er **gennemsnittet** af informanternes scorer.
# 4. Det **samlede indeks** er gennemsnittet af de 11 elementscorer, og praksisserne rangeres efter det.
#
# Varmekortet viser alle praksisser (rækker) og elementer (kolonner): gul er høj score, mørk lilla lav.
# Læs på tværs af en række for at se en praksis' stærke og svage sider, og ned ad en kolonne for at se,
# hvilke elementer der generelt står stærkt eller svagt.

# %% [markdown] tags=["en"]
# ## 2. From interview to profile
#
# Each selected practice is described by three informants: the leader (`leder`), a staff member
# (`medarbejder`) and a partner (`samarbejdspartner`). Two coders listened to each interview and gave each
# question a code from 1 (*not at all*) to 4 (*to a high degree*), or *don't know* / *not relevant*.
#
# This is how the codes become a profile, and it is all means:
#
# 1. The code is turned into a value between 0 and 1: 1 → 0, 2 → 0.33, 3 → 0.67, 4 → 1.
# 2. An element's score for one informant is the **mean** of the values on the element's questions.
#    *Don't know* is left out: it is not a low answer, it is a missing answer.
# 3. The practice's score on the element is the **mean** of its informants' scores.
# 4. The **overall index** is the mean of the 11 element scores, and the practices are ranked by it.
#
# The heatmap shows every practice (rows) and element (columns): yellow is a high score, dark purple low. Read
# across a row to see a practice's strengths and weaknesses, and down a column to see which elements are
# strong or weak in general.

# %%
tables = scoring.score_study(study, n_boot=n_boot, seed=seed, language=language)
show(score_plots.heatmap(tables.profiles, tables.overall, study.instrument, language), "heatmap")

# %% [markdown] tags=["da"]
# Her er profilen for den højest rangerede praksis. Søjlen er elementets score. Den sorte streg er et
# **interval**: hvor scoren kunne have ligget, hvis man havde spurgt nogle andre af de samme slags folk. Med
# tre informanter er intervallerne brede, og to elementer, hvis streger overlapper, kan man ikke sige meget
# om forskellen på.

# %% [markdown] tags=["en"]
# This is the profile of the top-ranked practice. The bar is the element's score. The black line is an
# **interval**: where the score might have been if one had asked other people of the same kinds. With three
# informants the intervals are wide, and little can be said about two elements whose lines overlap.

# %%
top_practice = tables.ranks.dropna(subset=["rank"])["practice_id"].iloc[0]
show(score_plots.profile_chart(tables.profiles, top_practice, study.instrument, language), "profile_top")

# %% [markdown] tags=["da"]
# **Rangeringen**: punktet er praksissens placering (1 = højest samlet indeks), stregen er hvor langt den
# kunne flytte sig, hvis man havde spurgt andre informanter. Lange, overlappende streger betyder, at
# rækkefølgen i midten er mere held end forskel.

# %% [markdown] tags=["en"]
# **The ranking**: the dot is the practice's place (1 = highest overall index), the line how far it might
# move had other informants been asked. Long, overlapping lines mean that the order in the middle is more
# luck than difference.

# %%
show(score_plots.rank_chart(tables.ranks, language), "ranks")

# %% [markdown] tags=["da", "exercise"]
# ### ✏️ Opgave 1: Hvad nu, hvis *ved ikke* talte som 0?
#
# Nogle ville score et *ved ikke* som "slet ikke" (0). Lav profilerne om på den måde, og sammenlign med de
# rigtige profiler. Tabellen `tables.item_scores` har én række pr. interview og spørgsmål; kolonnen `value`
# er værdien mellem 0 og 1, og `missing_code` er `ved_ikke`, hvor informanten ikke vidste det.
#
# 1. Lav en kopi af `tables.item_scores`, og sæt `value` til 0 i rækkerne, hvor `missing_code` er `ved_ikke`.
# 2. Regn elementscorer og profiler ud med `scoring.element_scores(...)` og `scoring.practice_profiles(...)`
#    (se, hvordan `score_study` gør i `lovende_research/scoring/stage.py`, eller brug `help(...)`).
# 3. Hvor meget falder scorerne i gennemsnit? Hvilken praksis falder mest, og hvilken rolle havde flest
#    *ved ikke*? Hvad betyder det for en samarbejdspartner, der kender praksissen udefra?

# %% [markdown] tags=["en", "exercise"]
# ### ✏️ Exercise 1: What if *don't know* counted as 0?
#
# Some would score a *don't know* as "not at all" (0). Redo the profiles that way and compare them with the
# real profiles. The table `tables.item_scores` has one row per interview and question; the column `value` is
# the value between 0 and 1, and `missing_code` is `ved_ikke` where the informant did not know.
#
# 1. Make a copy of `tables.item_scores` and set `value` to 0 in the rows where `missing_code` is `ved_ikke`.
# 2. Compute element scores and profiles with `scoring.element_scores(...)` and
#    `scoring.practice_profiles(...)` (see how `score_study` does it in `lovende_research/scoring/stage.py`, or use
#    `help(...)`).
# 3. How much do the scores drop on average? Which practice drops most, and which role had the most
#    *don't know*? What does this mean for a partner who knows the practice from the outside?

# %% tags=["exercise"]
# ✏️ din kode her / your code here
items_zero = tables.item_scores.copy()

# %% [markdown] tags=["da", "solution"]
# **Løsning.** Vi regner profilerne ud begge veje med pakkens egne funktioner. Hver *ved ikke* bliver nu til
# et lavt svar, så scorerne falder, og mest hos de praksisser, hvor mange svarede *ved ikke*.
# Samarbejdspartnerne svarer oftest *ved ikke*, fordi de kender praksissen udefra: at tælle det som 0 ville
# straffe en praksis for, hvem der blev spurgt, ikke for hvad den gør. Derfor scorer værktøjet aldrig
# *ved ikke* som 0, men viser i stedet elementets **dækning** (hvor stor en del af spørgsmålene der blev
# besvaret).

# %% [markdown] tags=["en", "solution"]
# **Solution.** We compute the profiles both ways with the package's own functions. Every *don't know* now
# becomes a low answer, so the scores drop, most in the practices where many answered *don't know*. Partners
# answer *don't know* most often, because they know the practice from the outside: counting it as 0 would
# punish a practice for whom one asked, not for what it does. That is why the tool never scores *don't know*
# as 0, and shows the element's **coverage** (the share of questions answered) instead.

# %% tags=["solution"]
solution_items = tables.item_scores.copy()
solution_items.loc[solution_items["missing_code"] == "ved_ikke", "value"] = 0.0
as_zero = scoring.practice_profiles(scoring.element_scores(solution_items, study.instrument, study.interviews))
as_missing = scoring.practice_profiles(scoring.element_scores(tables.item_scores, study.instrument, study.interviews))
both = as_missing.merge(as_zero, on=["practice_id", "delimitation_id", "element_id"], suffixes=("_missing", "_zero"))
both["drop"] = both["score_missing"] - both["score_zero"]
per_practice = (
    both.groupby("practice_id")[["score_missing", "score_zero", "drop"]].mean().sort_values("drop", ascending=False)
)
dont_know = tables.item_scores.merge(study.interviews[["interview_id", "informant_role"]], on="interview_id")
dont_know_share = (
    dont_know["missing_code"]
    .fillna("")
    .eq("ved_ikke")
    .groupby(dont_know["informant_role"])
    .mean()
    .sort_values(ascending=False)
)
display(
    Markdown(
        (
            f"Gennemsnitligt fald: **{both['drop'].mean():.3f}**; størst for **{per_practice.index[0]}** "
            f"({per_practice['drop'].iloc[0]:.3f}). Flest *ved ikke*: **{dont_know_share.index[0]}** ({dont_know_share.iloc[0]:.0%})."
        )
        if language == "da"
        else (
            f"Mean drop: **{both['drop'].mean():.3f}**; largest for **{per_practice.index[0]}** "
            f"({per_practice['drop'].iloc[0]:.3f}). Most *don't know*: **{dont_know_share.index[0]}** ({dont_know_share.iloc[0]:.0%})."
        )
    )
)
per_practice.round(3)

# %% [markdown] tags=["da"]
# ## 3. Subjektivitetsbias: hvem spurgte vi, og betyder det noget?
#
# Nu tjekker vi studiet for de skævheder, som Socialstyrelsen advarer om. Hvert tjek ender i en vurdering i
# almindeligt sprog (den fede tekst) og en figur.
#
# ### 3a. Vurderer rollerne det samme?
#
# Til venstre er hver prik én informants gennemsnitlige score, én række pr. praksis, farvet efter rolle.
# Hvis alle roller så praksissen ens, ville prikkerne i en række ligge oven i hinanden. Til højre står,
# hvor meget lavere (negativt tal) eller højere (positivt) hver rolle i gennemsnit vurderer end lederen af
# samme praksis, med en usikkerhedsstreg. Krydser stregen ikke 0, er forskellen for stor til at være tilfældig.
#
# Vurderingen og figuren er svaret på opgave 2, så de kommer efter den (i lærerens udgave).

# %% [markdown] tags=["en"]
# ## 3. Subjectivity bias: whom did we ask, and does it matter?
#
# Now we check the study for the biases the Board warns about. Each check ends in a verdict in plain words
# (the bold text) and a figure.
#
# ### 3a. Do the roles rate alike?
#
# On the left, each dot is one informant's mean score, one row per practice, coloured by role. If every
# role saw the practice alike, the dots in a row would sit on top of each other. On the right: how much lower
# (negative number) or higher (positive) each role rates on average than the leader of the same practice,
# with an uncertainty line. If the line does not cross 0, the difference is too large to be chance.
#
# The verdict and the figure answer exercise 2, so they come after it (in the teacher's version).

# %%
checks = bias.run_bias_checks(study, top_n=top_n, language=language)
set_aside = sorted(checks.response_styles.loc[checks.response_styles["straightliner"], "informant_id"])

# %% [markdown] tags=["da", "exercise"]
# ### ✏️ Opgave 2: Hvilken rolle vurderer højest?
#
# Brug tabellen `checks.role_profiles` (én række pr. informant, kolonnerne `informant_role` og
# `score`). Regn gennemsnittet af `score` for hver rolle ud. Hvilken rolle giver de højeste scorer? Hvorfor
# kunne netop den rolle se sin praksis mere positivt? Hvad betyder det, at måleredskabet er skrevet til, at
# **lederen** er den, der svarer?

# %% [markdown] tags=["en", "exercise"]
# ### ✏️ Exercise 2: Which role rates highest?
#
# Use the table `checks.role_profiles` (one row per informant, columns `informant_role` and
# `score`). Compute the mean of `score` for each role. Which role gives the highest scores? Why might that
# role see its practice more positively? What does it mean that the measuring tool is written for the
# **leader** to be the one who answers?

# %% tags=["exercise"]
# ✏️ din kode her / your code here
checks.role_profiles.head()

# %% [markdown] tags=["da", "solution"]
# **Løsning.** Lederne vurderer deres egen praksis højere end medarbejdere og samarbejdspartnere, og
# forskellen er ikke tilfældig (stregerne til højre krydser ikke 0). Ledere har ansvaret for praksissen og
# en interesse i, at den ser godt ud, og de kender den fra planerne mere end fra hverdagen. En profil, der
# kun bygger på lederens svar, som måleredskabet lægger op til, bliver derfor for flot. Spørg flere roller,
# og vis forskellen.

# %% [markdown] tags=["en", "solution"]
# **Solution.** Leaders rate their own practice higher than staff and partners do, and the difference is not
# chance (the lines on the right do not cross 0). Leaders are responsible for the practice and have a stake
# in it looking good, and they know it from the plans more than from daily work. A profile built on the
# leader's answers alone, as the measuring tool suggests, comes out too flattering. Ask several roles, and
# show the difference.

# %% tags=["answer"]
display(Markdown(f"**{bias.verdict('roles', language, roles=checks.role_effects, excluded=set_aside)}**"))
show(bias_plots.role_chart(checks.role_profiles, checks.role_effects, language), "roles")

# %% tags=["solution"]
kept = checks.role_profiles[~checks.role_profiles["excluded"]]
kept.groupby("informant_role")["score"].mean().sort_values(ascending=False).round(3).to_frame()

# %% [markdown] tags=["da"]
# ### 3b. Svarer nogen det samme på alt?
#
# Nogle informanter svarer det samme på næsten hvert spørgsmål, tit "i høj grad" (*straight-lining*). Så
# siger svarene ikke noget om de enkelte elementer. Hver prik er en informant: længst til højre svarer man
# mest ens, øverst mest i den øverste kategori. Informanter til højre for den stiplede linje markeres og
# navngives. De er holdt ude af sammenligningen af roller ovenfor.

# %% [markdown] tags=["en"]
# ### 3b. Does anyone give the same answer to everything?
#
# Some informants give the same answer to nearly every question, often "to a high degree"
# (*straight-lining*). Then the answers say nothing about the single elements. Each dot is an informant:
# furthest right answers most alike, highest up most in the top category. Informants right of the dashed
# line are flagged and named. They were left out of the comparison of roles above.

# %%
display(Markdown(f"**{bias.verdict('styles', language, styles=checks.response_styles)}**"))
show(bias_plots.response_style_chart(checks.response_styles, language=language), "response_styles")

# %% [markdown] tags=["da"]
# ### 3c. Hviler rangeringen på én stemme?
#
# Vi regner rangeringen ud igen og igen, hver gang uden én af informanterne (orange) eller uden én af
# koderne (grøn). Den sorte prik er praksissens plads i den fulde rangering; stregen viser, hvor den lander,
# når én stemme mangler. Det lysegrønne felt er toppen. En praksis i toppen, hvis streg rækker ud af feltet,
# har sin plads på grund af én person. Vurderingen og figuren er svaret på opgave 3, så de kommer efter den
# (i lærerens udgave).

# %% [markdown] tags=["en"]
# ### 3c. Does the ranking rest on one voice?
#
# We compute the ranking again and again, each time without one of the informants (orange) or without one
# of the coders (green). The black dot is the practice's place in the full ranking; the line shows where it
# lands when one voice is missing. The light green field is the top. A practice in the top whose line
# reaches out of the field holds its place because of one person. The verdict and the figure answer
# exercise 3, so they come after it (in the teacher's version).


# %% [markdown] tags=["da", "exercise"]
# ### ✏️ Opgave 3: Hvilken praksis' placering afhænger af én informant?
#
# Tabellen `checks.stability` har én række pr. udeladt informant (`left_out`, med praksis
# `left_out_practice`) og pr. praksis (`practice_id`): placeringen med alle (`rank_full`) og uden den ene
# (`rank_reduced`), og forskellen (`shift`). Find den praksis, der flytter sig mest, når én af **dens egne**
# informanter udelades. Hvem er informanten, og hvilken rolle har vedkommende? Kig på figuren i 3b: er det
# en af dem, der svarede ens på alt?

# %% [markdown] tags=["en", "exercise"]
# ### ✏️ Exercise 3: Which practice's ranking depends on one informant?
#
# The table `checks.stability` has one row per left-out informant (`left_out`, of practice
# `left_out_practice`) and per practice (`practice_id`): the place with everyone (`rank_full`) and without
# that one (`rank_reduced`), and the difference (`shift`). Find the practice that moves most when one of
# **its own** informants is left out. Who is the informant, and what is their role? Look at the figure in
# 3b: is it one of those who gave the same answer to everything?

# %% tags=["exercise"]
# ✏️ din kode her / your code here
checks.stability.head()

# %% [markdown] tags=["da", "solution"]
# **Løsning.** Vi ser kun på rækker, hvor den udeladte informant hører til praksissen selv, og tager den
# største flytning (positiv eller negativ). Med kun tre informanter pr. praksis kan én stemme flytte en
# praksis flere pladser, især en informant, der svarede "i høj grad" til alt eller var markant mere positiv
# end de andre. En rangering af lovende praksis bør derfor altid vise, hvor stabil den er.

# %% [markdown] tags=["en", "solution"]
# **Solution.** We keep only rows where the left-out informant belongs to the practice itself, and take the
# largest move (up or down). With only three informants per practice one voice can move a practice several
# places, especially an informant who answered "to a high degree" to everything or was much more positive
# than the others. A ranking of promising practice should therefore always show how stable it is.

# %% tags=["answer"]
display(
    Markdown(
        f"**{bias.verdict('stability', language, summary=checks.stability_summary, flags=checks.flags, top_n=top_n)}**"
    )
)
show(bias_plots.stability_chart(checks.stability, top_n, language), "stability")

# %% tags=["solution"]
own = checks.stability[
    (checks.stability["scenario"] == "informant")
    & (checks.stability["left_out_practice"] == checks.stability["practice_id"])
]
own = own.assign(moved=own["shift"].abs()).sort_values(["moved", "practice_id"], ascending=[False, True])
roles_of = study.interviews.drop_duplicates("informant_id").set_index("informant_id")["informant_role"]
own = own.assign(role=own["left_out"].map(roles_of), straightliner=own["left_out"].isin(set_aside))
own[["practice_id", "left_out", "role", "straightliner", "rank_full", "rank_reduced", "shift"]].head(5)

# %% [markdown] tags=["da"]
# ### 3d. Flytter afgrænsningen scoren?
#
# Det er svært at sige præcis, hvad "praksissen" er: et afgrænset forløb på 12 uger, eller hele tilbuddets
# arbejde med familien? I studiet er én praksis kodet to gange: under sin egen afgrænsning og under en
# bredere. Hver søjle er elementets score under den brede afgrænsning minus scoren under den oprindelige.
# De orange søjler flytter mere end grænsen (de stiplede linjer). En score gælder altså kun for den afgrænsning,
# den er målt under.

# %% [markdown] tags=["en"]
# ### 3d. Does the delimitation move the score?
#
# It is hard to say exactly what "the practice" is: a delimited 12-week course, or all of the service's
# work with the family? In this study one practice was coded twice: under its own delimitation and under a
# broader one. Each bar is the element's score under the broad delimitation minus the score under the
# original. Orange bars move more than the threshold (the dashed lines). So a score holds only for the
# delimitation it was measured under.

# %%
display(Markdown(f"**{bias.verdict('delimitation', language, delimitation=checks.delimitation)}**"))
show(bias_plots.delimitation_chart(checks.delimitation, study.instrument, language=language), "delimitation")

# %% [markdown] tags=["da"]
# ## 4. Diskussion
#
# * Hvilken af de fire skævheder ville I være mest bekymrede for i en rigtig kortlægning, og hvorfor?
# * Sammenlign med de andre grupper: fandt de den samme rolle højest? Lå den samme praksis i toppen?
# * Hvem ville I interviewe, hvis I selv skulle vurdere en praksis på jeres praktiksted?

# %% [markdown] tags=["en"]
# ## 4. Discussion
#
# * Which of the four biases would worry you most in a real mapping, and why?
# * Compare with the other groups: did they find the same role highest? Was the same practice at the top?
# * Whom would you interview if you were to assess a practice at your placement yourself?

# %% [markdown] tags=["da", "solution"]
# ## Facit: den plantede sandhed
#
# Simulatoren skrev i `truth.json`, hvad den plantede. Her sammenlignes det med, hvad tjekkene fandt. Cellen
# gemmer også fundene i `findings.json`, så læreren kan sammenligne grupperne.

# %% [markdown] tags=["en", "solution"]
# ## Answers: the planted truth
#
# The simulator wrote what it planted to `truth.json`. Here it is compared with what the checks found. The
# cell also saves the findings to `findings.json`, so the teacher can compare the groups.

# %% tags=["solution"]
import json

from lovende_research.io import write_json

truth = json.loads((study.path / "truth.json").read_text(encoding="utf-8"))
role_means = checks.role_profiles[~checks.role_profiles["excluded"]].groupby("informant_role")["score"].mean()
findings = {
    "seed": seed,
    "highest_role": str(role_means.idxmax()),
    "role_offsets_vs_leader": {r.role: round(float(r.estimate), 3) for r in checks.role_effects.itertuples()},
    "roles_significant": bool(checks.role_effects["significant"].any()),
    "straightliners": set_aside,
    "delimitation_moved": sorted(
        {f"{r.practice_id}/{r.delimitation_id}" for r in checks.delimitation.itertuples() if r.moved}
    ),
    "delimitation_mean_difference": round(float(checks.delimitation["difference"].mean()), 3)
    if len(checks.delimitation)
    else None,
}
write_json(work / "findings.json", findings)
planted = pd.DataFrame(
    [
        ("role_offsets", json.dumps(truth["role_offsets"]), json.dumps(findings["role_offsets_vs_leader"])),
        ("straightliners", ", ".join(truth["straightliners"]), ", ".join(set_aside)),
        (
            "delimitations",
            ", ".join(f"{d['practice_id']}/{k} (shift {d['shift']})" for k, d in truth["delimitations"].items()),
            ", ".join(findings["delimitation_moved"]),
        ),
    ],
    columns=["planted", "truth.json", "found"],
)
planted
