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
# # 3. Tjek af subjektivitetsbias
#
# Socialstyrelsens erfaring fra VIVE's kortlægning i 2017: **informanterne betyder meget, svarene kan
# flyttes, og afgrænsningen af en praksis flytter dens score.** Denne notebook gør hvert af de forhold
# synligt og målbart. Hvert tjek ender i en vurdering i almindeligt sprog og en figur, og hver praksis får
# en liste over opmærksomhedspunkter med begrundelsen (`flags.parquet`). Statistikken ligger i
# `lovende_research.bias` og `lovende_research.agreement` (dokumenteret og testet dér); scorerne beregnes
# igen med samme kæde som i notebook 02, så et tjek aldrig scorer anderledes end det trin, det tjekker.
#
# 1. **Koderne**: giver to kodere, der har hørt det samme interview, de samme koder?
# 2. **Informanterne**: er informanter fra samme praksis enige (intraklassekorrelation, ICC), og vurderer
#    rollerne systematisk forskelligt (giver lederne deres egen praksis højere scorer)?
# 3. **Svarstil**: straight-lining, svar samlet i øverste kategori (loftseffekt) og et *ja* til
#    spørgsmålet om et effektforsøg uden belæg.
# 4. **Stabilitet**: ville rangeringen ændre sig uden én informant eller uden én koder?
# 5. **Afgrænsning**: hvor meget flytter scoren, når praksissen afgrænses anderledes?
#
# Figurerne gemmes som SVG i `figures/`.

# %% [markdown] tags=["en"]
# # 3. Subjectivity-bias checks
#
# Socialstyrelsen's lesson from VIVE's 2017 mapping: **the informants matter a great deal, answers can
# be moved, and delimiting a practice moves its score.** This notebook makes each of those visible and
# measured. Every check ends in a plain-language verdict and a figure, and every practice gets a list of
# flags with the reason (`flags.parquet`). The statistics live in `lovende_research.bias` and
# `lovende_research.agreement`, documented and tested there; the re-scoring uses the same chain as
# notebook 02, so a check never scores differently from the stage it checks.
#
# 1. **Coders**: do two coders who heard the same interview give the same codes?
# 2. **Informants**: do informants of the same practice agree (intraclass correlation, ICC), and do roles
#    rate systematically differently (leaders rating their own practice higher)?
# 3. **Response styles**: straight-lining, answers piled into the top category (ceiling effect), and a
#    *ja* (yes) to the effect-trial question without support.
# 4. **Stability**: would the ranking change without one informant, or without one coder?
# 5. **Delimitation**: how much does the score move when the practice is delimited differently?
#
# The figures are saved as SVG in `figures/`.

# %% tags=["parameters"]
study_dir = "../data/raw/example"  # the study folder (read-only)
processed_dir = "../data/processed"  # tables are written to <processed_dir>/<study>/bias/
language = "da"  # da or en, the language of verdicts, flags and figures
seed = 2017  # seed of the coder-agreement bootstrap (the runner passes the study's seed)
n_boot = 1000  # bootstrap draws for the interval of Krippendorff's alpha
alpha_level = 0.05  # level of the role tests (Holm-corrected) and 1 - coverage of every interval
reconcile_rule = "median"  # rule for differing coders without a consensus code: median or lower (as in 02)
aggregation = "mean"  # how informants become one score per practice: mean, median or leader (as in 02)
coverage_threshold = 0.5  # share of an element's items (and of elements, for the index) that must be answered
straightline_share = 0.75  # a straight-liner gives at least this share of answers the same code ...
ceiling_share = 0.8  # ... a ceiling answerer at least this share in the top category ...
style_margin = 0.3  # ... and either exceeds the practice's other informants' share at that code by this much
set_aside_styles = True  # set flagged straight-liners aside from the role model and the ICC (always reported)
fair_mix = "study"  # role mix of the role-adjusted profiles: study (shares over the study), equal or leder
min_items = 10  # answered items needed before a response style is judged
screen_evidence = 0.5  # a sikker-praksis 'ja' is supported from this Virkning score up (or if a coder noted the study)
show_practices = 25  # figures with a row per practice show the best and worst N, and count the others
show_informants = 1000  # the response-style chart draws up to this many unflagged informants as points, a density above
top_n = 5  # the top of the ranking: a top place that rests on one informant or coder is flagged
delimitation_threshold = 0.15  # flag an element whose score moves more than this between delimitations
agreement_low = 0.667  # Krippendorff's lowest acceptable alpha for tentative conclusions

# %%
from pathlib import Path

from IPython.display import Markdown, display

from lovende_research import bias
from lovende_research.agreement import coder_agreement, coding_units, in_element_order
from lovende_research.display import markdown_text
from lovende_research.errors import print_errors_in
from lovende_research.i18n import number, phrase
from lovende_research.io import write_json, write_parquet
from lovende_research.people_tables import show_table
from lovende_research.plots import bias as bias_plots
from lovende_research.plots import show_figure
from lovende_research.study import Study

print_errors_in(language)  # what fails in this kernel reaches the reader in the notebook's language
study = Study.load(study_dir)
full_table = "tabeller/03_subjectivity_bias.xlsx"  # the stage's workbook beside the page (written by the runner)
out_dir = Path(processed_dir) / study.name / "bias"
figure_dir = out_dir / "figures"
figures: list[Path] = []  # what this run draws (the folder may hold an earlier run's figures)
tables = bias.run_bias_checks(
    study,
    rule=reconcile_rule,
    aggregation=aggregation,
    coverage_threshold=coverage_threshold,
    alpha_level=alpha_level,
    straightline_share=straightline_share,
    ceiling_share=ceiling_share,
    min_items=min_items,
    screen_evidence=screen_evidence,
    top_n=top_n,
    delimitation_threshold=delimitation_threshold,
    language=language,
    style_margin=style_margin,
    set_aside_styles=set_aside_styles,
    fair_mix=fair_mix,
)
agreement = coder_agreement(
    coding_units(study.codings[study.codings["delimitation_id"] == "main"], study.instrument),
    categories=list(study.instrument.scale_codes),
    n_boot=n_boot,
    seed=seed,
    confidence=1 - alpha_level,
    low=agreement_low,
    language=language,
)
written = tables.write(out_dir) + [write_parquet(agreement, out_dir / "coder_agreement.parquet")]
excluded = (
    sorted(tables.response_styles.loc[tables.response_styles["straightliner"], "informant_id"].unique())
    if set_aside_styles
    else []
)
verdicts = {}
print(study.config.title + (phrase(bias.PHRASES, "synthetic_banner", language) if study.config.synthetic else ""))
print(
    phrase(bias.PHRASES, "instrument", language, version=study.instrument.version)
    + ("" if study.instrument.official else phrase(bias.PHRASES, "not_official", language))
)
print(phrase(bias.PHRASES, "tables_written", language, n=len(written), path=out_dir.relative_to(Path(processed_dir))))

# %% [markdown] tags=["da"]
# ## 1. Koderne
#
# Enheden er ét spørgsmål i ét interview under hovedafgrænsningen; konsensuskoder tæller ikke med, for de
# er holdets og ikke én koders. Ordinal Krippendorffs alpha, vægtet kappa og Gwets AC2 besvarer det samme
# spørgsmål med hver sin model for tilfældig enighed. Når næsten alle koder ligger i den ene ende af
# skalaen, falder alpha og kappa, mens den rå enighed og AC2 forbliver høje (*kappa-paradokset*); så siger
# tabellen det i stedet for at kalde kodningen dårlig. Den stiplede linje i figuren er Krippendorffs
# laveste acceptable alpha for forsigtige konklusioner (`agreement_low`), og elementer mærket `*` er ramt
# af paradokset.

# %% [markdown] tags=["en"]
# ## 1. Coders
#
# The unit is one item in one interview under the main delimitation; consensus codes are left out, as
# they are the team's, not one coder's. Ordinal Krippendorff's alpha, weighted kappa and Gwet's AC2 answer
# the same question with different chance models; when nearly every code sits at one end of the scale,
# alpha and kappa drop while raw agreement and AC2 stay high (the *kappa paradox*), and the table says so
# rather than calling the coding poor. The dashed line in the figure is Krippendorff's lowest acceptable
# alpha for tentative conclusions (`agreement_low`); elements marked `*` are hit by the paradox.

# %%
verdicts["coders"] = bias.verdict("coders", language, agreement=agreement, low=agreement_low)
display(Markdown(f"**{markdown_text(verdicts['coders'])}**"))
figure = bias_plots.coder_agreement_chart(agreement, study.instrument, agreement_low, language)
figures += show_figure(figure, figure_dir / "coder_agreement")
show_table(
    in_element_order(agreement, study.instrument)[
        [
            "element_id",
            "n_subjects",
            "percent_agreement",
            "alpha",
            "alpha_ci_low",
            "alpha_ci_high",
            "kappa",
            "kappa_ci_low",
            "kappa_ci_high",
            "ac2",
            "ac2_ci_low",
            "ac2_ci_high",
            "paradox",
        ]
    ],
    language,
    digits=3,
    full_table=full_table,
)

# %% [markdown] tags=["da"]
# ## 1b. Hænger hvert elements spørgsmål sammen?
#
# Spørgeskemaet her er vores egen operationalisering af elementerne, så det er et empirisk spørgsmål, om
# et elements spørgsmål måler det samme. Cronbachs alpha over studiets interviews svarer på det: de
# afstemte koder pr. interview og spørgsmål, kun interviews hvor alle elementets spørgsmål er besvaret, og
# uden straight-linere, hvis ens svar ville puste alpha op. Intervallet er Feldts. Elementer med alpha
# under 0,7 (Nunnallys sædvanlige grænse) er markeret: læs deres score som en samling af spørgsmål snarere
# end ét mål, og se på `weakest_item`, det spørgsmål hvis udeladelse hæver alpha mest (for elementer med to
# spørgsmål findes det ikke). Med få interviews er intervallerne brede.

# %% [markdown] tags=["en"]
# ## 1b. Do each element's items hang together?
#
# The questionnaire here is our own operationalisation of the elements, so whether an element's items
# measure one thing is an empirical question. Cronbach's alpha over the study's interviews answers it: the
# reconciled codes per interview and item, only interviews that answered all of the element's items, and
# without straight-liners, whose identical answers would inflate alpha. The interval is Feldt's. Elements
# with alpha below 0.7 (Nunnally's usual floor) are flagged: read their score as a collection of items
# rather than one measure, and look at `weakest_item`, the item whose deletion raises alpha most (elements
# with two items have none). With few interviews the intervals are wide.

# %%
from lovende_research.agreement import ALPHA_FLOOR, consistency_verdict, element_consistency
from lovende_research.scoring import reconcile_coders

straightlined = set(study.interviews.loc[study.interviews["informant_id"].isin(excluded), "interview_id"].astype(str))
item_codes = reconcile_coders(study.codings, study.instrument, reconcile_rule)
item_codes = item_codes[~item_codes["interview_id"].astype(str).isin(straightlined)]
consistency = element_consistency(
    item_codes, study.instrument, rating="code", confidence=1 - alpha_level, language=language
)
written.append(write_parquet(consistency, out_dir / "element_consistency.parquet"))
display(Markdown(f"**{markdown_text(consistency_verdict(consistency, study.instrument, ALPHA_FLOOR, language))}**"))
show_table(
    consistency[
        [
            "element_id",
            "n_subjects",
            "n_items",
            "estimate",
            "ci_low",
            "ci_high",
            "weakest_item",
            "alpha_without",
            "flagged",
        ]
    ],
    language,
    digits=3,
    full_table=full_table,
)

# %% [markdown] tags=["da"]
# ## 2a. Er informanter fra samme praksis enige?
#
# Hver praksis beskrives af sine egne informanter, så intraklassekorrelationen er envejsformen ICC(1): den
# andel af spredningen i scorerne, der ligger *mellem* praksisserne. ICC(1,1) er pålideligheden af én
# informants score, ICC(1,k) af gennemsnittet af praksissens k informanter (det, profilen rapporterer). En
# lav værdi betyder, at profilen afhænger af, hvem man tilfældigvis spurgte. Forskelle mellem rollerne
# tæller her som uenighed. Straight-linere er holdt ude.
#
# Figuren viser ICC(1,1) med interval for hvert element og for den samlede score (sort); de farvede bånd
# er Koo & Lis inddeling i dårlig, moderat, god og meget god enighed.

# %% [markdown] tags=["en"]
# ## 2a. Do informants of the same practice agree?
#
# Each practice is described by its own informants, so the intraclass correlation is the one-way form
# ICC(1): the share of the spread in scores that lies *between* practices. ICC(1,1) is the reliability of
# one informant's score, ICC(1,k) of the mean of a practice's k informants (what the profile reports).
# A low value means the profile depends on whom one happened to ask. Differences between roles count as
# disagreement here. Straight-liners are left out.
#
# The figure shows ICC(1,1) with its interval for each element and for the overall score (black); the
# shaded bands are Koo & Li's poor, moderate, good and excellent agreement.

# %%
verdicts["icc"] = bias.verdict("icc", language, icc=tables.icc)
display(Markdown(f"**{markdown_text(verdicts['icc'])}**"))
figure = bias_plots.icc_chart(tables.icc, study.instrument, language)
figures += show_figure(figure, figure_dir / "icc")

# %% [markdown] tags=["da"]
# ## 2b. Vurderer rollerne de samme praksisser forskelligt?
#
# Til venstre: hver informants gennemsnitlige elementscore, én række pr. praksis, farvet efter rolle; en
# hul markør er en straight-liner, der er holdt ude af modellen (med flere end dobbelt så mange praksisser
# som `show_practices` får de bedste og dårligste en række, de øvrige én række med et boksplot pr. rolle). Til højre: hver rolles forskel til lederen
# fra en blandet model med tilfældige effekter for praksissen, for praksissens egen profil (praksis ×
# element) og for informanten inden for praksissen (en informants elleve scorer er ikke elleve uafhængige
# stemmer) og elementet som fast effekt, testet med Holms korrektion. En negativ forskel betyder, at
# rollen vurderer lavere end lederen. En varianskomponent estimeret til 0 (kolonnen `boundary`) er et
# resultat: fx adskiller informanter med samme rolle sig ikke mere end støjen i svarene.

# %% [markdown] tags=["en"]
# ## 2b. Do roles rate the same practices differently?
#
# Left: every informant's mean element score, one row per practice, coloured by role; a hollow marker is a
# straight-liner set aside in the model (with more than twice `show_practices` practices the best and the
# worst get a row, the others one row of box plots, one per role). Right: each role's offset against the leader from a mixed model
# with random effects for the practice, for the practice's own profile (practice × element) and for the
# informant within the practice (an informant's eleven scores are not eleven independent voices), element
# as a fixed effect, tested with Holm's correction. A negative offset means the role rates lower than the
# leader. A variance component estimated at 0 (column `boundary`) is a result: for instance, informants
# with the same role differ no more than the noise in their answers.

# %%
verdicts["roles"] = bias.verdict(
    "roles", language, roles=tables.role_effects, excluded=excluded, alpha_level=alpha_level
)
display(Markdown(f"**{markdown_text(verdicts['roles'])}**"))
figure = bias_plots.role_chart(tables.role_profiles, tables.role_effects, language, alpha_level, show=show_practices)
figures += show_figure(figure, figure_dir / "roles")
show_table(
    tables.role_effects[
        ["role", "estimate", "ci_low", "ci_high", "p_holm", "significant", "boundary", "optimizer", "converged"]
    ],
    language,
    digits=3,
    full_table=full_table,
)

# %% [markdown] tags=["da"]
# ## 2c. Rollejusterede profiler
#
# Er en praksis kun beskrevet af sin leder, og giver lederne højere scorer, står den bedre end en praksis
# beskrevet af medarbejdere og samarbejdspartnere. Her trækkes rolle-modellens forskel fra hver
# informants score, og samme rollesammensætning lægges ind for alle praksisser (`fair_mix`): scoren, som
# hvis alle var spurgt på samme måde (FACETS' *fair average*, her for informanter inden for praksisser).
# Intervallet bygger på modellens samlede informant- og restvarians, så også to informanter giver et
# interval. Hul markør: observeret samlet indeks; fyldt: rollejusteret med interval; rød: praksissen er i
# top `top_n` på den ene rangering og ikke på den anden.

# %% [markdown] tags=["en"]
# ## 2c. Role-adjusted profiles
#
# A practice described only by its leader stands better than one described by staff and partners when
# leaders give higher scores. Here the role model's offset is taken out of every informant's score and
# the same role mix put back in for every practice (`fair_mix`): the score as if everyone had been asked
# alike (FACETS' *fair average*, here for informants nested in practices). The interval rests on the
# model's pooled informant and residual variance, so two informants give an interval too. Hollow marker:
# observed overall index; filled: role-adjusted with its interval; red: the practice is in the top
# `top_n` on one ranking and not on the other.

# %%
verdicts["fair"] = bias.verdict("fair", language, fair=tables.fair_overall, mix=fair_mix, top_n=top_n)
display(Markdown(f"**{markdown_text(verdicts['fair'])}**"))
figure = bias_plots.fair_chart(tables.fair_overall, top_n, language, 1 - alpha_level, show=show_practices)
figures += show_figure(figure, figure_dir / "fair")
show_table(
    tables.fair_overall.sort_values("rank_fair")[
        ["practice_id", "observed", "fair", "ci_low", "ci_high", "rank_observed", "rank_fair", "depends_on_roles"]
    ],
    language,
    digits=3,
    full_table=full_table,
)

# %% [markdown] tags=["da"]
# ## 3. Svarstil
#
# Hver informant er et punkt: længst til højre samler svarene sig i én kategori (straight-lining), øverst i
# den øverste kategori (loftseffekt). Et punkt til højre for den stiplede linje (`straightline_share`)
# eller over den prikkede (`ceiling_share`) markeres, når informanten samtidig giver det svar
# `style_margin` oftere end praksissens andre informanter (medianen af deres andele): i en praksis, der
# virkelig står stærkt eller svagt, svarer alle informanter sådan, og det er ikke en svarstil. Svarstilen
# vurderes kun, når mindst `min_items` spørgsmål er besvaret. Et *ja* til spørgsmålet, om virkningen er afprøvet i et videnskabeligt forsøg,
# markeres, når samme interview scorer den svagere påstand "en undersøgelse tyder på en virkning"
# (elementet Virkning) under `screen_evidence`, og ingen koder har noteret undersøgelsen. Markerede
# informanter vises som rudeformede markører med deres id. Med flere end `show_informants` umarkerede
# informanter (en landsdækkende kortlægning) tegnes de som en tæthed (antal pr. sekskant), og med flere end
# `show_practices` markerede punkter står navnene kun i tabellen.

# %% [markdown] tags=["en"]
# ## 3. Response styles
#
# Each informant is a point: to the right, answers pile into one category (straight-lining); at the top,
# into the top category (ceiling effect). A point right of the dashed line (`straightline_share`) or above
# the dotted one (`ceiling_share`) is flagged when the informant also gives that answer `style_margin`
# more often than the practice's other informants (the median of their shares): in a practice that
# really is strong or weak, every informant answers so, and that is no response style. A response style
# is only judged when at least `min_items` items were answered. A *ja* (yes) to the question whether the effect was tested in a scientific trial
# is flagged when the same interview scores the weaker claim "some study suggests an effect" (the element
# Virkning) below `screen_evidence` and no coder noted the study. Flagged informants are drawn as
# diamonds with their id. With more than `show_informants` unflagged informants (a national mapping) they
# are drawn as a density (count per hexagon), and with more than `show_practices` flagged points the names
# are left to the table.

# %%
verdicts["styles"] = bias.verdict("styles", language, styles=tables.response_styles)
display(Markdown(f"**{markdown_text(verdicts['styles'])}**"))
figure = bias_plots.response_style_chart(
    tables.response_styles, straightline_share, ceiling_share, language, show=show_practices, points=show_informants
)
figures += show_figure(figure, figure_dir / "response_styles")

# %% [markdown] tags=["da"]
# ## 4. Rangeringens stabilitet
#
# Studiet scores igen én gang for hver informant, der udelades, og én gang for hver koder, der udelades.
# Den sorte prik er praksissens placering i den fulde rangering; stregerne spænder over de placeringer,
# den får uden én af sine egne informanter (orange) og uden én koder (grøn). En praksis i det lysegrønne
# felt for toppen (`top_n`), hvis streg rækker uden for feltet, har sin plads på grund af en enkelt stemme.
# Tabellen viser de ti udeladelser, der ændrer rangeringen mest (lavest Kendalls tau mellem fuld og
# reduceret rangering).

# %% [markdown] tags=["en"]
# ## 4. Stability of the ranking
#
# The study is re-scored once per informant left out, and once per coder left out. The black dot is a
# practice's rank in the full ranking; the bars span the ranks it gets without one of its own informants
# (orange) and without one coder (green). A practice inside the shaded top (`top_n`) whose bar reaches
# outside it holds its place on a single voice. The table shows the ten leave-outs that change the
# ranking most (lowest Kendall's tau between the full and reduced rankings).

# %%
verdicts["stability"] = bias.verdict(
    "stability", language, summary=tables.stability_summary, flags=tables.flags, top_n=top_n
)
display(Markdown(f"**{markdown_text(verdicts['stability'])}**"))
figure = bias_plots.stability_chart(tables.stability, top_n, language, show=show_practices)
figures += show_figure(figure, figure_dir / "stability")
show_table(tables.stability_summary.sort_values("kendall_tau"), language, max_rows=10, full_table=full_table)

# %% [markdown] tags=["da"]
# ## 5. Afgrænsning
#
# Hvor en praksis også er kodet under en alternativ afgrænsning (`delimitations.csv`), er hver søjle et
# elements score under den alternative afgrænsning minus scoren under hovedafgrænsningen; røde søjler
# flytter mere end grænsen `delimitation_threshold` (de stiplede linjer). Et element uden tilstrækkelig
# score under den ene af afgrænsningerne får ingen søjle og markeres ikke.

# %% [markdown] tags=["en"]
# ## 5. Delimitation
#
# Where a practice was also coded under an alternative delimitation (`delimitations.csv`), each bar is an
# element's score under the alternative minus under the main delimitation; red bars move more than the
# threshold `delimitation_threshold` (the dashed lines). An element with an insufficient score under
# either delimitation gets no bar and is not flagged.

# %%
verdicts["delimitation"] = bias.verdict(
    "delimitation", language, delimitation=tables.delimitation, threshold=delimitation_threshold
)
display(Markdown(f"**{markdown_text(verdicts['delimitation'])}**"))
figure = bias_plots.delimitation_chart(
    tables.delimitation, study.instrument, delimitation_threshold, language, show=show_practices
)
figures += show_figure(figure, figure_dir / "delimitation")

# %% [markdown] tags=["da"]
# ## Opmærksomhedspunkter pr. praksis
#
# Hver praksis får én række pr. tjek; her listes de markerede med begrundelsen. Hele tabellen, også
# rækkerne uden fund, ligger i `flags.parquet`.

# %% [markdown] tags=["en"]
# ## Flags per practice
#
# Every practice gets one row per check; the flagged ones are listed here with the reason. The whole
# table, unflagged rows included, is in `flags.parquet`.

# %%
flagged = tables.flags[tables.flags["flag"]]
print(
    phrase(
        bias.PHRASES,
        "flagged_summary",
        language,
        n=flagged["practice_id"].nunique(),
        total=tables.flags["practice_id"].nunique(),
    )
)
show_table(flagged, language, full_table=full_table)

# %%
write_json(out_dir / "verdicts.json", verdicts)
manifest_file = write_json(
    out_dir / "manifest.json",
    {
        "stage": "03_subjectivity_bias",
        "study": study.name,
        "synthetic": study.config.synthetic,
        "instrument": {"version": study.instrument.version, "official": study.instrument.official},
        "parameters": {
            "language": language,
            "seed": seed,
            "n_boot": n_boot,
            "alpha_level": alpha_level,
            "reconcile_rule": reconcile_rule,
            "aggregation": aggregation,
            "coverage_threshold": coverage_threshold,
            "straightline_share": straightline_share,
            "ceiling_share": ceiling_share,
            "min_items": min_items,
            "screen_evidence": screen_evidence,
            "top_n": top_n,
            "delimitation_threshold": delimitation_threshold,
            "agreement_low": agreement_low,
        },
        "inputs": study.checksums(),
        "tables": sorted(p.name for p in written),
        "figures": sorted(p.name for p in figures),
        "straightliners_set_aside": excluded,
    },
)

# %% [markdown] tags=["da"]
# ## 6. Designplan: hvor mange informanter og kodere?
#
# Hvor mange informanter pr. praksis og kodere pr. interview skal den næste kortlægning have, før en
# elementscore eller det samlede indeks skelner pålideligt mellem praksisserne? En G-undersøgelse
# (generaliserbarhedsteori) deler scorernes varians op i praksis, praksis × element, informant inden
# for praksis, informant × element, koder, koderens rest og spørgsmål; ud fra dem projiceres
# G-koefficienten (relative beslutninger: rangering) og Φ (absolutte beslutninger: en score mod en
# grænse) for 1–6 informanter og 1–3 kodere, med et 95 %-interval fra 200 genudtræk af praksisserne.
# Den tredje tabel giver det færreste antal informanter, der når 0,7 og 0,8, og figuren til sidst viser
# G for hvert design med det anvendte design markeret. Designet er indlejret og
# ubalanceret som en rigtig kortlægning; samme tal fås på et pilotstudie med `lovende plan STUDIE`, der
# også skriver dem som CSV.

# %% [markdown] tags=["en"]
# ## 6. Design plan: how many informants and coders?
#
# How many informants per practice and coders per interview does the next mapping need before an
# element score or the overall index tells practices apart reliably? A G study (generalizability
# theory) splits the scores' variance into practice, practice × element, informant within practice,
# informant × element, coder, the coder's residual and item; from them the G coefficient (relative
# decisions: a ranking) and Φ (absolute decisions: a score against a cut-off) are projected for 1–6
# informants and 1–3 coders, with a 95 % interval from 200 resamples of the practices. The
# third table gives the fewest informants that reach 0.7 and 0.8, and the figure at the end shows G for
# every design with the design used marked. The design is nested and unbalanced, like a
# real mapping; the same numbers come from a pilot study with `lovende plan STUDY`, which also writes
# them as CSV.

# %%
from lovende_research.plots import design as design_plots
from lovende_research.scoring.planner import plan_study

design_dir = out_dir / "design"
plan = plan_study(study, coverage_threshold=coverage_threshold, n_boot=200, seed=seed)
design_written = plan.write(design_dir)
show_table(plan.components, language, digits=4, full_table=full_table)
show_table(plan.projections, language, max_rows=40, full_table=full_table)
needed = plan.needed.pivot_table(
    index=["measure", "coefficient", "n_coders"], columns="target", values="n_informants", aggfunc="first"
)
needed.columns = [number(target, language, 1) for target in needed.columns]  # the targets 0.7 and 0.8 as headers
show_table(needed.reset_index(), language, full_table=full_table)

# %%
design_figures = show_figure(design_plots.design_chart(plan.projections, language), design_dir / "design_plan")
