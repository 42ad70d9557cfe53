"""What a paper takes from the run: the TRIPOD+AI and PROBAST+AI checklists, each item answered where the
run answers it (a table, a figure, a config key, the manifest) or left to a human, and a methods paragraph
written from the config and the run's own tables.

TRIPOD+AI: Collins et al., BMJ 2024;385:e078378 (27 items, 18 with parts). PROBAST+AI: Moons et al., BMJ
2025;388:e082505 (model development: four domains, participants and data sources, predictors, outcome,
analysis). The items' wording here is a short paraphrase for finding the answer; a submission attaches
the published checklist with these answers copied into it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import metadata

import jinja2
import pandas as pd

RUN, PARTLY, HUMAN = "the run", "the run, in part", "a human"


@dataclass(frozen=True)
class Item:
    item: str
    section: str
    topic: str
    asks: str
    answered_by: str
    where: str = ""  # a template filled from the run's facts (str.format)


TRIPOD_AI = (
    Item("1", "Title", "Title", "study type, population, outcome in the title", HUMAN),
    Item("2", "Abstract", "Abstract", "structured abstract (TRIPOD+AI for Abstracts)", HUMAN),
    Item("3a", "Introduction", "Background", "healthcare context and rationale for the model", HUMAN),
    Item("3b", "Introduction", "Background", "target population and place in the care pathway", HUMAN),
    Item("3c", "Introduction", "Background", "known health inequalities between groups", HUMAN),
    Item("4", "Introduction", "Objectives", "development, evaluation or both", PARTLY, "methods.md (development)"),
    Item("5a", "Methods", "Data", "data sources and why", PARTLY, "methods.md; {data_source}"),
    Item(
        "5b",
        "Methods",
        "Data",
        "dates of accrual and end of follow-up",
        PARTLY,
        "follow-up weeks: exposure.follow_up_weeks ({follow_up_weeks}); "
        "enrolment dates: results/tables/participants.parquet",
    ),
    Item("6a", "Methods", "Participants", "setting, centres", HUMAN, "labs named in participants.csv's lab column"),
    Item(
        "6b",
        "Methods",
        "Participants",
        "eligibility criteria",
        RUN,
        "results/report/flow.csv, results/figures/flow.png, results/report/exclusions.csv; "
        "outcomes.* and exposure.min_worn_weeks",
    ),
    Item("6c", "Methods", "Participants", "treatments received", HUMAN),
    Item(
        "7",
        "Methods",
        "Data preparation",
        "pre-processing and quality checks",
        RUN,
        "results/report/stance_qc.csv, results/figures/qc_trial.png, results/tables/quarantine.parquet; "
        "biomechanics.* and wearables.* settings",
    ),
    Item(
        "8a",
        "Methods",
        "Outcome",
        "outcome definition, time horizon, how assessed",
        RUN,
        "outcomes.case_icd10 ({case_icd10}) within {follow_up_weeks} weeks; methods.md",
    ),
    Item("8b", "Methods", "Outcome", "qualifications of outcome assessors", HUMAN),
    Item("8c", "Methods", "Outcome", "blinding of outcome assessment", HUMAN),
    Item(
        "9a",
        "Methods",
        "Predictors",
        "choice of predictors and pre-selection",
        PARTLY,
        "models.terms (pre-specified: {terms})",
    ),
    Item(
        "9b",
        "Methods",
        "Predictors",
        "definition and timing of predictors",
        RUN,
        "docs/tables.md; exposure.window ({window}); results/report/table1.csv",
    ),
    Item("9c", "Methods", "Predictors", "qualifications of predictor assessors", HUMAN),
    Item(
        "10",
        "Methods",
        "Sample size",
        "how the size was arrived at and whether it suffices",
        RUN,
        "results/report/sample_size.csv: {sample_size}",
    ),
    Item(
        "11",
        "Methods",
        "Missing data",
        "how missing data were handled",
        RUN,
        "complete case (outcomes.missing_terms, the flow); multiple imputation in results/report/sensitivity.csv",
    ),
    Item(
        "12a",
        "Methods",
        "Analytical methods",
        "how the data were used (development, validation)",
        RUN,
        "all analysed for development; bootstrap internal validation ({bootstrap} resamples)",
    ),
    Item(
        "12b",
        "Methods",
        "Analytical methods",
        "handling of predictors (functional form, scaling)",
        RUN,
        "models.terms scale (linear terms, per SD / per unit): results/report/firth.csv scaling",
    ),
    Item(
        "12c",
        "Methods",
        "Analytical methods",
        "model type, building steps, internal validation",
        RUN,
        "validation.method ({method}); results/report/validation.csv",
    ),
    Item(
        "12d",
        "Methods",
        "Analytical methods",
        "heterogeneity across clusters",
        HUMAN,
        "not modelled (labs as clusters: participants.csv lab)",
    ),
    Item(
        "12e",
        "Methods",
        "Analytical methods",
        "performance measures and plots",
        RUN,
        "results/report/validation.csv, results/figures/calibration.png, results/figures/decision_curve.png",
    ),
    Item("12f", "Methods", "Analytical methods", "model updating or recalibration", RUN, "none (development only)"),
    Item(
        "12g",
        "Methods",
        "Analytical methods",
        "how predictions are calculated",
        RUN,
        "results/models/screening_model.json (coefficients, scalings); runrisk screen",
    ),
    Item(
        "13",
        "Methods",
        "Class imbalance",
        "class imbalance methods",
        RUN,
        "none used; Firth's penalised likelihood for few events",
    ),
    Item(
        "14",
        "Methods",
        "Fairness",
        "approaches to fairness",
        HUMAN,
        "Table 1 by sex and runner status: results/report/table1.csv",
    ),
    Item(
        "15",
        "Methods",
        "Model output",
        "output (probabilities, thresholds)",
        RUN,
        "predicted one-year risk; no classification threshold (decision curve over validation.decision_thresholds)",
    ),
    Item(
        "16",
        "Methods",
        "Training versus evaluation",
        "differences between development and evaluation data",
        RUN,
        "no external evaluation data",
    ),
    Item("17", "Methods", "Ethical approval", "ethics committee, consent", HUMAN),
    Item("18a", "Open science", "Funding", "funding and funders' role", HUMAN),
    Item("18b", "Open science", "Conflicts of interest", "conflicts of interest", HUMAN),
    Item(
        "18c",
        "Open science",
        "Protocol",
        "where the protocol is",
        HUMAN,
        "config/config.yaml is the pre-specified analysis",
    ),
    Item("18d", "Open science", "Registration", "registry and number", HUMAN),
    Item(
        "18e",
        "Open science",
        "Data sharing",
        "availability of the data",
        HUMAN,
        "results/provenance/manifest.json lists every input by SHA-256",
    ),
    Item(
        "18f",
        "Open science",
        "Code sharing",
        "availability of the code",
        RUN,
        "runrisk {version}, commit {commit}; results/provenance/manifest.json",
    ),
    Item("19", "Open science", "Patient and public involvement", "patient and public involvement", HUMAN),
    Item(
        "20a",
        "Results",
        "Participants",
        "flow, with and without the outcome, follow-up",
        RUN,
        "results/figures/flow.png, results/report/flow.csv: {flow}",
    ),
    Item("20b", "Results", "Participants", "characteristics, events, missing data", RUN, "results/report/table1.csv"),
    Item(
        "20c",
        "Results",
        "Participants",
        "predictors compared with the development data",
        RUN,
        "not applicable (development); runners against non-runners in results/report/table1.csv",
    ),
    Item(
        "21",
        "Results",
        "Model development",
        "participants and events in each analysis; unadjusted associations",
        RUN,
        "n and events in results/report/firth.csv and sensitivity.csv; results/report/table2.csv",
    ),
    Item(
        "22",
        "Results",
        "Model specification",
        "the full model for individual predictions",
        RUN,
        "results/report/firth.csv (intercept and coefficients), results/models/screening_model.json",
    ),
    Item(
        "23a",
        "Results",
        "Model performance",
        "performance with CIs",
        RUN,
        "results/report/validation.csv, results/figures/calibration.png",
    ),
    Item(
        "23b",
        "Results",
        "Model performance",
        "performance in key subgroups",
        PARTLY,
        "runners only in results/report/sensitivity.csv",
    ),
    Item("24", "Results", "Model updating", "results of any updating", RUN, "none"),
    Item("25", "Discussion", "Interpretation", "interpretation of the main results, fairness", HUMAN),
    Item(
        "26",
        "Discussion",
        "Limitations",
        "limitations (sample, missing data, generalisability)",
        PARTLY,
        "the sample size verdict: results/report/sample_size.csv",
    ),
    Item(
        "27a",
        "Discussion",
        "Usability",
        "handling of poor-quality or unavailable input when used",
        RUN,
        "runrisk screen names every missing measure (docs/screening.md)",
    ),
    Item("27b", "Discussion", "Usability", "user interaction and expertise needed", HUMAN),
    Item("27c", "Discussion", "Usability", "future research and next steps", HUMAN),
)

PROBAST_AI = (
    Item(
        "1",
        "Participants and data sources",
        "Data source",
        "appropriate data source (prospective cohort)",
        RUN,
        "prospective cohort: every enrolled participant in results/report/flow.csv; {data_source}",
    ),
    Item(
        "1",
        "Participants and data sources",
        "Inclusions and exclusions",
        "all inclusions and exclusions appropriate",
        PARTLY,
        "every exclusion with its reason: results/report/exclusions.csv",
    ),
    Item(
        "1",
        "Participants and data sources",
        "Data quality",
        "data quality checked, similarly across groups",
        RUN,
        "stance QC, quarantine and wear rules: results/report/stance_qc.csv, flow.csv",
    ),
    Item(
        "2",
        "Predictors",
        "Same for everyone",
        "predictors defined and measured alike for all",
        RUN,
        "one gait model and sign convention per study (biomechanics.*); docs/biomechanics.md",
    ),
    Item(
        "2",
        "Predictors",
        "Blind to outcome",
        "predictors measured without knowledge of the outcome",
        RUN,
        "baseline lab session before follow-up; exposure.window {window}",
    ),
    Item(
        "2",
        "Predictors",
        "Available when used",
        "predictors available when the model is used",
        RUN,
        "baseline measures and training before onset (runrisk screen)",
    ),
    Item("3", "Outcome", "Appropriate", "outcome determined appropriately", RUN, "physician diagnosis ({case_icd10})"),
    Item(
        "3",
        "Outcome",
        "Standard definition",
        "pre-specified or standard outcome definition",
        RUN,
        "outcomes.case_icd10 and onset regions in the config",
    ),
    Item(
        "3",
        "Outcome",
        "Predictors not in outcome",
        "predictors excluded from the outcome definition",
        RUN,
        "yes: the diagnosis alone defines a case",
    ),
    Item(
        "3",
        "Outcome",
        "Same for everyone",
        "outcome determined alike for all",
        RUN,
        "one rule for cases and controls (docs/statistics.md)",
    ),
    Item(
        "3",
        "Outcome",
        "Blind to predictors",
        "outcome determined without knowledge of predictors",
        HUMAN,
        "physicians' blinding to the lab data",
    ),
    Item(
        "3",
        "Outcome",
        "Time interval",
        "appropriate interval between predictors and outcome",
        RUN,
        "{follow_up_weeks} weeks; no exposure after onset ({window})",
    ),
    Item("4", "Analysis", "Participants with the outcome", "reasonable number with the outcome", RUN, "{sample_size}"),
    Item(
        "4",
        "Analysis",
        "Predictor handling",
        "continuous and categorical predictors handled appropriately",
        RUN,
        "continuous kept continuous (models.terms)",
    ),
    Item("4", "Analysis", "All participants", "all enrolled in the analysis", PARTLY, "{flow}"),
    Item(
        "4",
        "Analysis",
        "Missing data",
        "missing data handled appropriately",
        RUN,
        "complete case with multiple imputation as sensitivity analysis",
    ),
    Item(
        "4",
        "Analysis",
        "No univariable selection",
        "predictor selection not based on univariable analysis",
        RUN,
        "pre-specified terms (models.terms); Table 2 is descriptive",
    ),
    Item(
        "4",
        "Analysis",
        "Data complexities",
        "censoring, competing risks, sampling of controls",
        RUN,
        "Cox and time-varying Cox with censoring at the last worn week + exposure.grace_weeks",
    ),
    Item(
        "4",
        "Analysis",
        "Performance measures",
        "relevant performance measures",
        RUN,
        "C-statistic, calibration slope and intercept, Brier, calibration plot, decision curve",
    ),
    Item(
        "4",
        "Analysis",
        "Overfitting",
        "overfitting and optimism accounted for",
        RUN,
        "bootstrap optimism ({bootstrap} resamples); Firth penalisation; "
        "expected shrinkage in results/report/sample_size.csv",
    ),
    Item(
        "4",
        "Analysis",
        "Final model",
        "final model corresponds to the reported analysis",
        RUN,
        "results/models/screening_model.json holds the Firth fit of results/report/firth.csv",
    ),
)

CHECKLIST_COLUMNS = ["item", "section", "topic", "asks", "answered_by", "where"]


def checklist(items: tuple[Item, ...], facts: dict) -> pd.DataFrame:
    """The checklist as a table, each `where` filled with the run's facts."""
    rows = [
        {
            "item": item.item,
            "section": item.section,
            "topic": item.topic,
            "asks": item.asks,
            "answered_by": item.answered_by,
            "where": item.where.format(**facts),
        }
        for item in items
    ]
    return pd.DataFrame(rows, columns=CHECKLIST_COLUMNS)


SOFTWARE = ("runrisk", "snakemake", "numpy", "pandas", "scipy", "statsmodels", "lifelines", "matplotlib", "ezc3d")


def software_versions() -> str:
    """The versions of the packages the methods name, as a paper writes them."""
    import platform

    found = [f"Python {platform.python_version()}"]
    for name in SOFTWARE:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def flow_counts(flow: pd.DataFrame) -> dict:
    enrolled = int(flow.loc[flow["box"] == "enrolled", "n"].iloc[0])
    excluded = flow[flow["box"].str.startswith("excluded") & (flow["n"] > 0)]
    cases = int(flow.loc[flow["box"].str.startswith("analysed: case"), "n"].sum())
    analysed = int(flow.loc[flow["box"].str.startswith("analysed"), "n"].sum())
    return {
        "enrolled": enrolled,
        "analysed": analysed,
        "cases": cases,
        "controls": analysed - cases,
        "exclusions": [
            (box.removeprefix("excluded: "), int(n)) for box, n in zip(excluded["box"], excluded["n"], strict=True)
        ],
    }


def cohort_summary(table1: pd.DataFrame) -> dict:
    """Age, female and runner share of the analysed (cases and strict controls) from Table 1's rows."""
    rows = table1[(table1["grouping"] == "outcome") & table1["group"].isin(["case", "control"])]

    def pooled_mean(measure: str) -> float:
        part = rows[rows["measure"] == measure]
        return float((part["mean"] * part["n"]).sum() / part["n"].sum()) if part["n"].sum() else float("nan")

    def pooled_percent(measure: str) -> float:
        part = rows[rows["measure"] == measure]
        return float(100 * part["count"].sum() / part["n"].sum()) if part["n"].sum() else float("nan")

    return {"age": pooled_mean("age"), "female": pooled_percent("female"), "runner": pooled_percent("runner")}


def render_methods(facts: dict) -> str:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("runrisk.report", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template("methods.md.j2").render(**facts).lstrip()


def methods_html(text: str) -> str:
    """The methods as a page for the report: paragraphs, nothing else."""
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in text.split("\n\n") if p.strip())
    head = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Methods</title></head>\n'
    return f"{head}<body>\n{paragraphs}</body></html>\n"


WINDOWS = {
    "pre_onset": (
        "before the first Achilles complaint or the diagnosis, whichever came first "
        "(the whole follow-up for those with neither)"
    ),
    "whole_follow_up": "of the whole follow-up",
}


def run_facts(
    settings: dict,
    flow: pd.DataFrame,
    table1: pd.DataFrame,
    sample_size: pd.DataFrame,
    validation: pd.DataFrame,
    revision: dict,
) -> dict:
    """Everything the methods and the checklists say about this run: the config's choices (`settings`, as
    the rule passes them) and the numbers of its tables."""
    counts = flow_counts(flow)
    metrics = validation.set_index("metric")
    fitted = validation["status"].iloc[0] == "fitted" if len(validation) else False
    size = sample_size.iloc[0]
    verdict = str(size["verdict"])
    return {
        **settings,
        **counts,
        **cohort_summary(table1),
        "case_icd10": ", ".join(settings["case_icd10"]),
        "terms": "; ".join(settings["terms"]),
        "parameters": len(settings["terms"]),
        "window_text": WINDOWS[settings["window"]],
        "sensitivity": sensitivity_analyses(settings["sensitivity"]),
        "sample_size": verdict,
        "c_apparent": float(metrics.at["c_statistic", "apparent"]) if fitted else float("nan"),
        "c_corrected": float(metrics.at["c_statistic", "corrected"]) if fitted else float("nan"),
        "slope_corrected": float(metrics.at["calibration_slope", "corrected"]) if fitted else float("nan"),
        "commit": revision["commit"][:12],
        "dirty": bool(revision["dirty"]),
        "software": software_versions(),
        "version": metadata.version("runrisk"),
        "flow": f"{counts['analysed']} of {counts['enrolled']} enrolled analysed ({counts['cases']} cases)",
        "data_source": "synthetic demo cohort (simulate.enabled)"
        if settings["synthetic"]
        else "the study's own raw files",
    }


def sensitivity_analyses(section: dict) -> list[str]:
    """The sensitivity analyses the config switches on, as the methods name them."""
    named = [
        ("lenient_controls", "with lenient controls"),
        ("whole_follow_up_exposure", "with exposure over the whole follow-up"),
        ("runners_only", "on runners only"),
    ]
    found = [text for key, text in named if section[key]]
    if section["multiple_imputation"]["enabled"]:
        found.append("with multiple imputation of missing biomechanics")
    if section["tendon"]["enabled"]:
        found.append("with the baseline tendon MRI terms (when scanned)")
    return found
