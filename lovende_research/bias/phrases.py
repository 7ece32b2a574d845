"""The sentences of the bias checks' reasons and verdicts, Danish and English (see :func:`lovende_research.i18n.phrase`)."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    "no_finding": ("intet fund", "no finding"),
    "not_applicable_delimitation": (
        "ikke relevant: praksis er kun kodet under én afgrænsning",
        "not applicable: the practice was coded under one delimitation only",
    ),
    "not_applicable_role_mix": (
        "ikke relevant: rolle-modellen kunne ikke vurderes",
        "not applicable: the role model could not be read",
    ),
    "flag_straightlining": (
        "{informant} ({role}) gav det samme svar ({code}) på {share} af {n} besvarede spørgsmål "
        "(grænse {threshold}), hvor praksissens andre informanter gav det svar på {reference}; svarene siger "
        "lidt om de enkelte elementer{set_aside}",
        "{informant} ({role}) gave the same answer ({code}) to {share} of {n} answered items "
        "(threshold {threshold}), where the practice's other informants gave it to {reference}; the answers say "
        "little about single elements{set_aside}",
    ),
    "flag_ceiling": (
        "{informant} ({role}) svarede i øverste kategori på {share} af {n} besvarede spørgsmål "
        "(grænse {threshold}), praksissens andre informanter på {reference}; scoren kan være trukket op af "
        "svarstil frem for praksis",
        "{informant} ({role}) answered in the top category to {share} of {n} answered items "
        "(threshold {threshold}), the practice's other informants to {reference}; the score may be lifted by "
        "response style rather than practice",
    ),
    "flag_screen": (
        "{informant} ({role}) svarede ja til, at effekten er afprøvet i et videnskabeligt forsøg, men "
        "elementet Virkning scorer {evidence} (grænse {threshold}) og koderne har ingen note om undersøgelsen; "
        "bed om dokumentationen",
        "{informant} ({role}) said yes, the effect was tested in a scientific trial, but the element "
        "Indicated effect scores {evidence} (threshold {threshold}) and the coders left no note on the study; "
        "ask for the documentation",
    ),
    "flag_informant_stability": (
        "nr. {rank_full} i den fulde rangering, men nr. {rank_reduced} uden {left_out}: pladsen i top {top_n} "
        "hviler på én informant",
        "ranked {rank_full} in the full ranking but {rank_reduced} without {left_out}: its place in the top "
        "{top_n} rests on a single informant",
    ),
    "flag_coder_stability": (
        "nr. {rank_full} i den fulde rangering, men nr. {rank_reduced} med kun den anden koders koder (uden "
        "{left_out}): pladsen i top {top_n} hviler på én koder",
        "ranked {rank_full} in the full ranking but {rank_reduced} on the other coder's codes alone (without "
        "{left_out}): its place in the top {top_n} rests on a single coder",
    ),
    "set_aside": (" og er holdt ude af rolle-modellen og ICC", " and were set aside from the role model and the ICC"),
    "kept": (" (de er med i rolle-modellen og ICC)", " (they are kept in the role model and the ICC)"),
    "flag_role_mix": (
        "nr. {rank_full} i rangeringen{scope}, men nr. {rank_fair}, når alle praksisser vurderes med samme "
        "rollesammensætning: pladsen i top {top_n} afhænger af, hvem der blev spurgt",
        "ranked {rank_full}{scope}, but {rank_fair} when every practice is scored with the same mix of roles: its "
        "place in the top {top_n} depends on who was asked",
    ),
    "scope_set_aside": (", når straight-linerne er holdt ude", " once the straight-liners are set aside"),
    "flag_delimitation": (
        "under afgrænsningen {delimitation} flytter {n} element(er) mere end {threshold}: {elements}",
        "under delimitation {delimitation}, {n} element(s) move more than {threshold}: {elements}",
    ),
    "insufficient": ("utilstrækkelig", "insufficient"),
    # verdicts
    "v_icc": (
        "Informanterne i samme praksis er {band} enige: ICC(1) for en enkelt informant er {icc} "
        "({lo}–{hi}) over praksissernes samlede score, og gennemsnittet af deres {k} stemmer har "
        "ICC(1,k) {icck}. Elementer med lavest enighed: {weakest}.",
        "Informants of the same practice agree {band}: ICC(1) of a single informant is {icc} "
        "({lo}–{hi}) on the practices' overall score, and the mean of their {k} voices has "
        "ICC(1,k) {icck}. Elements with the lowest agreement: {weakest}.",
    ),
    "band_poor": ("dårligt", "poorly"),
    "band_moderate": ("moderat", "moderately"),
    "band_good": ("godt", "well"),
    "band_excellent": ("meget godt", "very well"),
    "band_unknown": ("i ukendt grad", "to an unknown degree"),
    "v_role_found": (
        "Rollerne vurderer de samme praksisser forskelligt: {details} (Holm-korrigeret, α = {alpha}). "
        "Lederne, måleredskabets standard-informant, giver altså {direction} scorer end de andre; læs scorer "
        "fra ledere alene med det for øje. {excluded}",
        "The roles rate the same practices differently: {details} (Holm-corrected, α = {alpha}). "
        "Leaders, the measuring tool's default informant, thus give {direction} scores than the others; read "
        "scores from leaders alone with that in mind. {excluded}",
    ),
    "v_role_none": (
        "Der er ingen sikker forskel mellem rollerne: {details} (Holm-korrigeret, α = {alpha}). Det betyder "
        "ikke, at der ingen forskel er, kun at data ikke kan påvise den. {excluded}",
        "No clear difference between roles: {details} (Holm-corrected, α = {alpha}). That does not mean there "
        "is none, only that the data cannot show one. {excluded}",
    ),
    "v_role_failed": (
        "Rolle-modellen kunne ikke vurderes pålideligt ({warning}); tallene nedenfor er vist, men må ikke "
        "læses som et fund.",
        "The role model could not be estimated reliably ({warning}); the numbers below are shown but must "
        "not be read as a finding.",
    ),
    "role_no_reference": ("ingen informanter med rollen {reference}", "no informants with the role {reference}"),
    "role_fit_failed": (
        "optimeringen konvergerede ikke; se kolonnen warning i role_effects",
        "the optimiser did not converge; see the warning column of role_effects",
    ),
    "role_boundary": (
        " Variansen for {components} er estimeret til 0: {meaning}. Det er et resultat, ikke en fejl.",
        " The variance of {components} is estimated at 0: {meaning}. That is a result, not a failure.",
    ),
    "component_informant": ("informanten inden for praksis", "the informant within the practice"),
    "component_practice_element": ("praksis × element", "practice × element"),
    "component_practice": ("praksis", "practice"),
    "meaning_informant": (
        "informanter med samme rolle i samme praksis adskiller sig ikke mere, end støjen i de enkelte svar forklarer",
        "informants with the same role in one practice differ no more than the noise in single answers explains",
    ),
    "meaning_practice_element": (
        "praksissernes profiler adskiller sig ikke ud over deres samlede niveau",
        "the practices' profiles differ no more than their overall level",
    ),
    "meaning_practice": ("praksisserne adskiller sig ikke i niveau", "the practices do not differ in level"),
    "v_fair": (
        "Med samme rollesammensætning for alle praksisser ({mix}) ændrer {n_moved} praksis(ser) deres plads i "
        "top {top_n}{ids}; den største forskel mellem observeret og rollejusteret samlet score er {max_diff}.",
        "With the same mix of roles for every practice ({mix}), {n_moved} practice(s) change their place in "
        "the top {top_n}{ids}; the largest difference between the observed and the role-adjusted overall "
        "score is {max_diff}.",
    ),
    "v_fair_unchanged": (
        "Med samme rollesammensætning for alle praksisser ({mix}) er rangeringen uændret; den største "
        "forskel mellem observeret og rollejusteret samlet score er {max_diff}. Praksisserne er besvaret "
        "af (næsten) de samme roller, så hvem der blev spurgt, flytter ikke rækkefølgen.",
        "With the same mix of roles for every practice ({mix}) the ranking is unchanged; the largest "
        "difference between the observed and the role-adjusted overall score is {max_diff}. The practices "
        "were answered by (nearly) the same roles, so who was asked does not move the order.",
    ),
    "v_fair_none": (
        "Rolle-modellen kunne ikke vurderes, så scorerne er ikke justeret for rollerne.",
        "The role model could not be read, so the scores are not adjusted for roles.",
    ),
    "mix_study": ("rollernes andele i hele studiet", "the roles' shares over the whole study"),
    "mix_equal": ("alle roller lige meget", "every role equally"),
    "mix_leder": ("som om lederen alene var spurgt", "as if the leader alone had been asked"),
    "role_no_roles": (
        "ingen andre roller end referencerollen at sammenligne med",
        "no roles other than the reference role to compare with",
    ),
    "higher": ("højere", "higher"),
    "lower": ("lavere", "lower"),
    "role_detail": ("{role} {estimate} ({lo} til {hi}, {p})", "{role} {estimate} ({lo} to {hi}, {p})"),
    "excluded": (
        "{n} straight-liner(e) er holdt ude af modellen: {ids}.",
        "{n} straight-liner(s) were set aside: {ids}.",
    ),
    "excluded_none": ("Ingen straight-linere er holdt ude.", "No straight-liners were set aside."),
    "v_styles": (
        "{n_straight} af {n} informanter svarede (næsten) ens på alle spørgsmål{straight_ids}; {n_ceiling} "
        "svarede mest i øverste kategori{ceiling_ids}; {n_screen} sagde ja til et effektforsøg uden belæg i "
        "data{screen_ids}.",
        "{n_straight} of {n} informants gave (nearly) the same answer to every item{straight_ids}; {n_ceiling} "
        "answered mostly in the top category{ceiling_ids}; {n_screen} said yes to an effect trial without "
        "support in the data{screen_ids}.",
    ),
    "v_stability": (
        "Rangeringen er {quality}: uden én informant er Kendalls tau mellem fuld og reduceret rangering mindst "
        "{tau_inf} (største rangskift {shift_inf}); uden én koder mindst {tau_cod} (største skift {shift_cod}). "
        "{n_flag} praksis(ser) har en plads i top {top_n}, der hviler på én stemme{ids}.",
        "The ranking is {quality}: without one informant, Kendall's tau between the full and reduced rankings "
        "is at least {tau_inf} (largest rank shift {shift_inf}); without one coder at least {tau_cod} "
        "(largest shift {shift_cod}). {n_flag} practice(s) hold a top-{top_n} place that rests on one voice{ids}.",
    ),
    "stable": ("stabil", "stable"),
    "fragile": ("skrøbelig", "fragile"),
    "v_delimitation": (
        "{n_practices} praksis(ser) er kodet under mere end én afgrænsning. Afgrænsningen flytter scoren: "
        "gennemsnitlig forskel {mean_diff} på elementerne, størst {max_diff}; {n_moved} element(er) "
        "flytter mere end {threshold}. En praksis' score gælder kun for den afgrænsning, den er kodet under.",
        "{n_practices} practice(s) were coded under more than one delimitation. The delimitation moves the "
        "score: mean difference {mean_diff} over the elements, largest {max_diff}; {n_moved} element(s) "
        "move more than {threshold}. A practice's score holds only for the delimitation it was coded under.",
    ),
    "v_delimitation_none": (
        "Ingen praksis er kodet under mere end én afgrænsning, så afgrænsningens betydning kan ikke måles i "
        "dette studie.",
        "No practice was coded under more than one delimitation, so the effect of delimitation cannot be "
        "measured in this study.",
    ),
    "v_coders": (
        "Koderne er enige i {agree} af tilfældene; ordinal Krippendorffs alpha er {alpha}, vægtet kappa "
        "{kappa} og Gwets AC2 {ac2} over alle elementer. {quality}{paradox}",
        "The coders agree in {agree} of cases; ordinal Krippendorff's alpha is {alpha}, weighted kappa "
        "{kappa} and Gwet's AC2 {ac2} over all elements. {quality}{paradox}",
    ),
    "coders_ok": (
        "Det er tilstrækkeligt til konklusioner (alpha ≥ {low}).",
        "That is enough to draw conclusions (alpha ≥ {low}).",
    ),
    "coders_low": (
        "Det er under Krippendorffs grænse {low} for forsigtige konklusioner; elementer under grænsen: {elements}.",
        "That is below Krippendorff's limit {low} for tentative conclusions; elements below it: {elements}.",
    ),
    "coders_paradox": (
        " Kappa-paradokset (koder hobet op i én yderkategori) gælder for: {elements}.",
        " The kappa paradox (codes piled up in one end category) applies to: {elements}.",
    ),
    "none": ("ingen", "none"),
    # the stage's notebook (03_subjectivity_bias)
    "synthetic_banner": ("  [SYNTETISKE DATA]", "  [SYNTHETIC DATA]"),
    "instrument": ("Måleredskab: {version}", "Measuring tool: {version}"),
    "not_official": (" (ikke den officielle version)", " (not the official version)"),
    "tables_written": ("{n} tabeller gemt i {path}", "{n} tables written to {path}"),
    "flagged_summary": (
        "{n} af {total} praksisser har mindst ét opmærksomhedspunkt",
        "{n} of {total} practices have at least one flag",
    ),
    "more_ids": (
        "og {n} flere; hele listen står i tjekkets tabel og i tabeller/",
        "and {n} more; the full list is in the check's table and in tabeller/",
    ),
}
