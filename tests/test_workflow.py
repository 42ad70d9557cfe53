"""The whole study chain on a small synthetic cohort (config/test.yaml), plus lint checks."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from workflow_runner import ROOT, copy_workflow, run_snakemake

from runrisk.ids import pseudonymise

BIN = Path(sys.executable).parent


def read(workdir, name):
    return pd.read_parquet(workdir / "results" / name)


def test_every_enrolled_participant_is_accounted_for(small_run):
    participants = read(small_run, "tables/participants.parquet")
    outcomes = read(small_run, "tables/outcomes.parquet")
    flow = read(small_run, "tables/flow.parquet")
    assert len(participants) == 150
    assert outcomes["participant_id"].is_unique and set(outcomes["participant_id"]) == set(
        participants["participant_id"]
    )
    assert flow.loc[flow["box"] == "enrolled", "n"].item() == 150
    assert flow.loc[flow["box"] != "enrolled", "n"].sum() == 150
    excluded = flow[flow["box"].str.startswith("excluded")]
    assert excluded["n"].sum() > 0, "the strict control exclusion has work to do"


def test_cases_match_the_simulated_truth(small_run):
    truth = pd.read_parquet(small_run / "resources/synthetic/truth/participants.parquet")
    truth["participant_id"] = truth["raw_id"].map(pseudonymise)
    outcomes = read(small_run, "tables/outcomes.parquet").merge(truth, on="participant_id", suffixes=("", "_true"))
    diagnosed = outcomes[outcomes["diagnosed_at"]]
    assert len(diagnosed) > 5
    assert set(diagnosed["participant_id"]) == set(truth.loc[truth["true_case"], "participant_id"])
    assert (diagnosed["event_week"].astype(int) == diagnosed["event_week_true"]).all()


def test_extracted_biomechanics_and_exposure_track_the_truth(small_run):
    truth = pd.read_parquet(small_run / "resources/synthetic/truth/participants.parquet")
    truth["participant_id"] = truth["raw_id"].map(pseudonymise)
    analysis = read(small_run, "tables/analysis.parquet").merge(truth, on="participant_id", suffixes=("", "_true"))
    assert analysis["strike_index_pct"].corr(analysis["strike_index"]) > 0.99
    assert analysis["ankle_external_rotation_peak"].corr(analysis["ankle_external_rotation_peak_true"]) > 0.95
    assert (analysis["mean_weekly_km"] - analysis["true_exposure_km"]).abs().max() < 1e-6
    assert (analysis["n_stances"] == 3).all()


def test_tendon_force_of_the_study_is_inside_the_published_running_range(small_run):
    """Every valid stance of the study has its Achilles tendon force, about 5-8 body weights at the simulated
    2.8-4 m/s as published for running at 3-4.5 m/s (Scott & Winter 1990, Med Sci Sports Exerc 22:357;
    Almonroeder et al. 2013, Ann Biomed Eng 41:1758; Lyght et al. 2016, J Appl Biomech 32:365): the median
    inside 5-8, single stances within 10 % of it (the computed model of lab C at its slowest runners), a
    speed from the pelvis markers and a step length; the per-km load follows."""
    stances = read(small_run, "tables/stances.parquet")
    valid = stances[stances["qc_reason"] == ""]
    assert len(valid) > 100 and (valid["at_reason"] == "").all()
    assert 5 <= valid["at_force_peak_bw"].median() <= 8
    assert valid["at_force_peak_bw"].between(4.5, 8.8).all(), valid["at_force_peak_bw"].describe()
    body_weight_n = valid["at_force_peak_n"] / valid["at_force_peak_bw"] / 9.81
    participants = read(small_run, "tables/participants.parquet").set_index("participant_id")["body_mass_kg"]
    assert (body_weight_n - valid["participant_id"].map(participants)).abs().max() < 1e-6
    assert valid["trial_speed_m_s"].between(2.5, 4.5).all() and valid["step_length_m"].between(1.0, 1.6).all()
    assert (valid["at_impulse_bws"] > 0).all() and (valid["at_loading_rate_bw_s"] > 0).all()
    assert set(stances.columns) >= {"at_force_peak_n", "at_impulse_bws", "at_loading_rate_bw_s", "at_reason"}
    summary = read(small_run, "tables/biomechanics.parquet")
    assert summary["steps_per_km"].between(600, 1000).all()
    per_km = summary["at_impulse_bws"] * 1000 / summary["step_length_m"] / 2
    assert (summary["at_impulse_per_km_bws"] - per_km).abs().max() < 1e-9


def test_models_and_figures_are_written(small_run):
    logistic = read(small_run, "models/logistic.parquet").set_index("term")
    cox = read(small_run, "models/cox.parquet").set_index("term")
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    assert list(logistic.index) == [t["column"] for t in config["models"]["terms"]]
    assert logistic["events"].iloc[0] == (read(small_run, "tables/analysis.parquet")["status"] == "case").sum()
    assert (
        logistic.loc["ankle_inversion_moment_peak", "ratio"] < 1 < logistic.loc["ankle_external_rotation_peak", "ratio"]
    )
    assert cox.loc["ankle_inversion_moment_peak", "ratio"] < 1
    analysis = read(small_run, "tables/analysis.parquet")
    cases, controls = (analysis["status"] == "case").sum(), (analysis["status"] == "control").sum()
    table1 = read(small_run, "tables/table1.parquet").set_index(["grouping", "group", "measure"])
    assert table1.loc[("outcome", "case", "age"), "group_size"] == cases
    assert table1.loc[("outcome", "control", "age"), "group_size"] == controls
    table2 = read(small_run, "tables/table2.parquet").set_index("measure")
    assert table2.loc["ankle_inversion_moment_peak", ["n_cases", "n_controls"]].tolist() == [cases, controls]
    estimated = table2.dropna(subset=["estimate"])  # a yes/no nobody answered yes has no odds ratio
    assert len(estimated) >= 10 and (estimated["ci_low"] <= estimated["estimate"]).all()
    assert (estimated["estimate"] <= estimated["ci_high"]).all()
    size = read(small_run, "models/sample_size.parquet").iloc[0]
    assert (size["n"], size["events"], size["parameters"]) == (len(analysis), cases, len(logistic))
    assert size["verdict"].startswith(f"n = {len(analysis)} ({cases} events")
    for name in ("table1", "table2", "sample_size"):
        assert (small_run / f"results/report/{name}.csv").stat().st_size > 100
    methods = (small_run / "results/report/methods.md").read_text()
    assert f"{len(analysis)} were analysed: {cases} cases and {controls} strict controls" in methods
    assert size["verdict"] in methods and "<p>" in (small_run / "results/report/methods.html").read_text()
    tripod = pd.read_csv(small_run / "results/report/tripod_ai.csv", dtype=str).set_index("item")
    assert {"1", "10", "18f", "27c"} <= set(tripod.index) and size["verdict"] in tripod.at["10", "where"]
    probast = pd.read_csv(small_run / "results/report/probast_ai.csv")
    assert probast["section"].nunique() == 4
    for name in ("forest", "km_volume_groups", "flow"):
        for ext in ("png", "svg"):
            assert (small_run / f"results/figures/{name}.{ext}").stat().st_size > 5000


def test_trials_table_and_qc_figure(small_run):
    trials = read(small_run, "tables/trials.parquet")
    truth = pd.read_parquet(small_run / "resources/synthetic/truth/participants.parquet")
    assert 0 < (~truth["has_trials"]).sum() < 15  # missed lab sessions
    static = trials["model_source"] == "static"  # gait_lab_c's static trials: listed, no stances
    assert static.sum() == (truth["has_trials"] & (truth["lab"] == "gait_lab_c")).sum() > 0
    assert (trials.loc[static, "n_stances"].isna()).all()
    trials = trials[~static]
    assert len(trials) == 3 * truth["has_trials"].sum()
    assert set(trials["model_source"]) == {"file", "cgm10"}
    flow = read(small_run, "tables/flow.parquet").set_index("box")
    assert flow.at["excluded: no valid stance on the primary limb", "n"] == (~truth["has_trials"]).sum()
    assert (trials["n_valid_stances"] == 2).all() and (trials["format"] == "c3d").all()
    assert set(trials["plate_types"]) == {"2,2"}
    assert (small_run / "results/figures/qc_trial.png").stat().st_size > 20000


def test_weekly_series_flow_wear_and_figure(small_run):
    weekly = read(small_run, "tables/weekly_volume.parquet")
    assert len(weekly) == 150 * 53  # baseline week 0 and 52 follow-up weeks
    assert weekly.loc[~weekly["worn"], "running_km"].isna().all()
    assert (weekly.loc[weekly["worn"], "running_km"] >= 0).all()
    assert weekly["ratio_to_prior_4wk"].notna().sum() > 1000
    flow = read(small_run, "tables/flow.parquet").set_index("box")
    wearable_box = flow.loc["excluded: too few follow-up weeks with the wearable worn"]
    assert flow.loc["enrolled", "median_weeks_worn"] > 30
    assert wearable_box["n"] == 0 or wearable_box["median_weeks_worn"] < 4
    assert (small_run / "results/figures/weekly_volume.png").stat().st_size > 20000


def test_statistics_outputs_share_one_schema(small_run):
    from runrisk.stats.terms import COEF_COLUMNS

    for name in ("logistic", "firth", "cox", "cox_timevarying", "sensitivity"):
        table = read(small_run, f"models/{name}.parquet")
        assert list(table.columns[: len(COEF_COLUMNS)]) == COEF_COLUMNS, name
        assert (table["ci_low"] <= table["ratio"]).all() and (table["ratio"] <= table["ci_high"]).all(), name
    firth = read(small_run, "models/firth.parquet")
    assert (firth["events_per_variable"] == firth["events"] / len(firth)).all()
    sensitivity = read(small_run, "models/sensitivity.parquet")
    assert set(sensitivity["analysis"]) >= {"lenient controls", "runners only", "multiple imputation (MICE, ML)"}
    mice = sensitivity[sensitivity["model"] == "logistic_mice"]
    assert mice["missing_rows"].iloc[0] > 0  # participants whose lab session left no trials
    validation = read(small_run, "models/validation.parquet").set_index("metric")
    assert 0.5 < validation.at["c_statistic", "corrected"] <= validation.at["c_statistic", "apparent"] <= 1
    ph = read(small_run, "models/ph_test.parquet")
    assert ph["p_value"].between(0, 1).all() and len(ph) == len(firth)
    montecarlo = read(small_run, "montecarlo/summary.parquet")
    assert set(montecarlo["size"]) == {150, 300}
    assert set(montecarlo["strategy"]) == {"published", "pre_onset", "cox_timevarying"}
    assert montecarlo["ml_coverage"].between(0, 1).all() and montecarlo["true_log_ratio"].notna().all()
    for name in ("calibration", "decision_curve", "sensitivity"):
        assert (small_run / f"results/figures/{name}.png").stat().st_size > 10000
    assert (small_run / "results/montecarlo/power.png").stat().st_size > 10000


def test_activities_keep_no_raw_ids_or_gps(small_run):
    activities = read(small_run, "tables/activities.parquet")
    assert not activities["participant_id"].str.startswith("4H").any()
    assert not {"latitude", "longitude", "lat", "lon"} & set(activities.columns)
    raw_ids = set(pd.read_csv(small_run / "resources/synthetic/participants.csv")["participant_id"])
    for table in ("participants", "outcomes", "analysis", "stances", "weekly_volume"):
        assert not raw_ids & set(read(small_run, f"tables/{table}.parquet")["participant_id"])


def test_real_data_mode_reads_the_same_raw_files_and_stops_on_a_corrupt_trial(small_run, tmp_path):
    """simulate.enabled false: raw_dir is a study's own data, its files are the rules' inputs."""
    small_run = Path(shutil.copytree(small_run, tmp_path / "study", symlinks=True))
    (small_run / "config/own_data.yaml").write_text("simulate: {enabled: false}\n")
    configs = ["--configfile", "config/test.yaml", "config/own_data.yaml"]
    dry = run_snakemake(small_run, 1, "-n", "results/tables/stances.parquet", *configs)
    assert dry.returncode == 0, dry.stderr[-3000:]
    victim = sorted((small_run / "resources/synthetic/c3d").glob("*/run_02.c3d"))[-1]
    victim.write_bytes(victim.read_bytes()[:300])
    result = run_snakemake(small_run, 1, "results/tables/stances.parquet", *configs)
    assert result.returncode != 0
    logs = "".join(p.read_text() for p in (small_run / "logs/biomechanics").glob("stances-*.log"))
    owner = victim.parent.name
    # the file is named by its label (the second .c3d by name in the participant's folder), never its name
    assert f"file c3d-2, participant {owner}: not a C3D file: 300 bytes" in logs


@pytest.mark.parametrize(
    "command",
    [
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "snakefmt"), "--check", "Snakefile", "workflow"],
        [str(BIN / "snakemake"), "--lint", "--cores", "1"],
    ],
)
def test_lint_is_clean(command):
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def planned_rules(workdir: Path, *configfiles: str) -> dict[str, int]:
    """Rule -> job count of a dry run: what Snakemake would rerun after a config change."""
    result = run_snakemake(workdir, 1, "-n", "--configfile", "config/test.yaml", *configfiles)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    if "Nothing to be done" in result.stdout + result.stderr:
        return {}
    start = lines.index("Job stats:") + 3
    counts = {}
    for line in lines[start:]:
        name, count = line.split()
        if name == "total":
            return counts
        counts[name] = int(count)
    raise AssertionError(result.stdout[-2000:])


@pytest.mark.parametrize(
    ("section", "key", "figure_rules"),
    [
        ("exposure", "plot_participant", ["weekly_volume_figure"]),
        ("biomechanics", "qc_participant", ["qc_trial_figure", "tendon_figure"]),  # the QC participant of both
    ],
)
def test_a_figure_option_reruns_only_that_figure(small_run, section, key, figure_rules):
    assert planned_rules(small_run) == {}
    raw_ids = pd.read_csv(small_run / "resources/synthetic/participants.csv")["participant_id"]
    option = small_run / "config" / f"{key}.yaml"
    option.write_text(yaml.safe_dump({section: {key: str(raw_ids.iloc[-1])}}))
    try:
        # the provenance records (manifest, report table, the methods text) and the screening model carry the
        # config hash, so they follow any change
        provenance = ("manifest", "provenance_table", "paper_text", "screening_model")
        expected = {**dict.fromkeys(figure_rules, 1), **dict.fromkeys(provenance, 1)}
        expected["all"] = 1
        assert planned_rules(small_run, f"config/{key}.yaml") == expected
    finally:
        option.unlink()


@pytest.mark.parametrize(
    "option",
    [{"model": "precomputed"}, {"static_pattern": "kalib"}, {"cgm": {"marker_diameter_mm": 16.0}}],
)
def test_a_gait_model_option_reaches_stance_extraction(small_run, option):
    """biomechanics.model, static_pattern and cgm are read by extract_stances: a change reruns every shard."""
    assert planned_rules(small_run) == {}
    changed = small_run / "config/gait_model.yaml"
    changed.write_text(yaml.safe_dump({"biomechanics": option}))
    try:
        planned = planned_rules(small_run, "config/gait_model.yaml")
    finally:
        changed.unlink()
    shards = len(list((small_run / "results/shards/stances").glob("shard-*.parquet")))
    assert planned.get("extract_stances") == shards > 0


def test_the_power_study_is_its_own_target(tmp_path):
    """A study's `all` analyses it; planning a cohort by simulation is asked for by name."""
    workdir = copy_workflow(tmp_path / "study")
    study = planned_rules(workdir)
    assert not {"montecarlo_size", "montecarlo_summary", "power"} & set(study)
    dry = run_snakemake(workdir, 1, "power", "-n", "--configfile", "config/test.yaml")
    assert dry.returncode == 0, dry.stderr[-2000:]
    assert "montecarlo_summary" in dry.stdout and "fit_model" not in dry.stdout
