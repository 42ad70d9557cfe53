import os
from pathlib import Path

from runrisk.cohort.exposure import ScreeningExposure, WeekCounting
from runrisk.cohort.outcomes import Censoring, OutcomeSettings
from runrisk.cohort.shards import TrialReading
from runrisk.errors import InputError
from runrisk.ids import (
    key_fingerprint,
    require_study_key,
    shard_count,
    shard_members,
    shard_of,
)
from runrisk.io import layout
from runrisk.io.wearables import WearableSettings
from runrisk.report.provenance import canonical_config_hash
from runrisk.simulate.settings import Simulation
from runrisk.stats.settings import (
    MontecarloSettings,
    SampleSizeSettings,
    SensitivitySettings,
    ValidationSettings,
)
from runrisk.stats.terms import MODELS, Timevarying
from runrisk.tendon.study import AbnormalTendon, TendonSettings, has_mri

RAW = config["raw_dir"]
SIMULATED = config["simulate"]["enabled"]
# a study of real people is refused the public demo key before anything is read
KEY_FINGERPRINT = key_fingerprint(require_study_key(SIMULATED, workflow.basedir))
ENV = "../../envs/runrisk.yaml"
RAW_FILES = {kind: str(path) for kind, path in layout.surveillance_files(RAW).items()}
TERM_COLUMNS = [term["column"] for term in config["models"]["terms"]]
# the baseline tendon MRI, when the study has one (raw_dir/mri/): otherwise no rule reads or waits for it
HAS_MRI = config["simulate"]["mri"]["fraction"] > 0 if SIMULATED else has_mri(RAW)
TENDON_TABLE = "results/tables/tendon.parquet"
RESULT_FOLDERS = (
    "results/tables/",
    "results/models/",
    "results/figures/",
    "results/report/",
)


def participant_ids():
    """Raw ids of the study (read at DAG time for real data; known from config when simulated)."""
    if SIMULATED:
        from runrisk.simulate.cohort import raw_participant_id

        return [
            raw_participant_id(i) for i in range(config["simulate"]["n_participants"])
        ]
    from runrisk.io.surveillance import raw_participant_ids

    ids = raw_participant_ids(RAW_FILES["participants"])
    if not ids:
        raise InputError(
            RAW_FILES["participants"],
            "no participants yet: one row per enrolled participant under its header (docs/input-formats.md)",
        )
    return ids


PARTICIPANTS = participant_ids()
SHARDS = [
    f"{k:03d}" for k in range(shard_count(len(PARTICIPANTS), config["shard_size"]))
]


wildcard_constraints:
    shard=r"\d{3}",
    modality="|".join(layout.MODALITIES),


def members_of_shard(shard):
    return shard_members(PARTICIPANTS, int(shard), config["shard_size"])


def shard_members_param(wildcards):
    """The raw ids of a shard job's participants, so no job orders the whole cohort again."""
    return members_of_shard(wildcards.shard)


def raw_dir_of(wildcards, input):
    """raw_dir as the folder of the job's participants.csv: a path param derived from the job's own input
    holds wherever the job runs."""
    return os.path.dirname(input.participants)


def inventory_of(modality, shard):
    """A shard's inventory of one modality's raw files (trials, wearables, mri), or the simulator's that
    promises them: rules depend on it, never on the raw files, whose own names would reach Snakemake's
    job listing and its log (runrisk.io.layout.inventory)."""
    if SIMULATED:
        return f"{RAW}/inventory/shard-{shard}.tsv"
    return f"results/shards/inventory/{modality}-{shard}.tsv"


def inventory_fingerprint(wildcards):
    """A digest of the shard's files of the modality (paths, sizes, times): when a file changes, so does
    this param, and Snakemake reruns the inventory and every job that reads the modality.
    """
    return layout.inventory_digest(
        RAW, members_of_shard(wildcards.shard), wildcards.modality
    )


# A rule passes a section's keys through the settings class its script parses them with
# (runrisk.config.Section.pick), so it depends on exactly the keys that class reads.
TRIAL_READING = TrialReading.pick(config["biomechanics"])
# what no single key's schema can say (the tendon's moment arm at every angle) is refused here
TrialReading.of(TRIAL_READING)
WEARABLES = WearableSettings.pick(config["wearables"])
WEEK_COUNTING = WeekCounting.pick(config["exposure"])
CENSORING = Censoring.pick(config["exposure"])
OUTCOME_SETTINGS = OutcomeSettings.pick(config["outcomes"])
SIMULATION = Simulation.pick(config["simulate"])
QC_PARTICIPANT = config["biomechanics"]["qc_participant"] or sorted(PARTICIPANTS)[0]


def trial_inputs(wildcards):
    return inventory_of("trials", wildcards.shard)


def wearable_inputs(wildcards):
    return inventory_of("wearables", wildcards.shard)


def qc_trial_inputs(wildcards):
    shard = shard_of(PARTICIPANTS, QC_PARTICIPANT, config["shard_size"])
    return inventory_of("trials", f"{shard:03d}")


def mri_inputs(wildcards):
    return inventory_of(layout.MRI, wildcards.shard)


def mri_inventories():
    """Every shard's MRI inventory (the QC figure picks among the enrolled participants' scans)."""
    return sorted({inventory_of(layout.MRI, shard) for shard in SHARDS})


def tendon_input(wildcards):
    return [TENDON_TABLE] if HAS_MRI else []


def all_inventories():
    """Every shard's inventories of its trials and wearable files (and MRI, when the study has it)."""
    modalities = ["trials", "wearables", *([layout.MRI] if HAS_MRI else [])]
    return sorted(
        {inventory_of(modality, shard) for shard in SHARDS for modality in modalities}
    )


def final_outputs():
    """Every rule's outputs under the result folders: a rule that writes a table, a model, a figure or a
    report table is part of the study by that alone (called after every rule is defined). The power study
    writes under results/montecarlo and has its own target.
    """
    paths = []
    for step in workflow.rules:
        for path in step.output:
            if not str(path).startswith(RESULT_FOLDERS):
                continue
            if "model" in step.wildcard_names:
                paths += [path.apply_wildcards({"model": model}) for model in MODELS]
            else:
                paths.append(str(path))
    return sorted(paths)


def screening_runners():
    """Runner folders (each with runner.yaml) under screening.runners_dir; with the embedded default and no
    folder configured, one example runner cut from the synthetic cohort."""
    folder = config["screening"]["runners_dir"]
    if folder:
        return sorted(glob_wildcards(f"{folder}/{{runner}}/runner.yaml").runner)
    return ["example"] if SIMULATED else []


def squad_folder():
    """The squad the monitor target follows: monitor.squad_dir, or the embedded default's example squad."""
    return config["monitor"]["squad_dir"] or "resources/monitor/example_squad"


def squad_files():
    """Every file of a configured squad, so that a new week of files reruns the monitor."""
    folder = config["monitor"]["squad_dir"]
    return (
        sorted(str(p) for p in Path(folder).rglob("*") if p.is_file()) if folder else []
    )


HAS_SQUAD = bool(config["monitor"]["squad_dir"]) or SIMULATED


def runner_folder(wildcards):
    folder = config["screening"]["runners_dir"]
    if folder:
        return f"{folder}/{wildcards.runner}"
    return rules.example_runner.output.folder


def flow_summary(written_since):
    """The participant flow with the reasons for each exclusion, when this run wrote it (a run that stopped
    before the outcomes leaves an older one, which would not be this run's)."""
    path = Path(rules.outcomes.output.summary)
    if path.exists() and path.stat().st_mtime >= written_since:
        return path.read_text(encoding="utf-8")
    return ""


def closing_message():
    """Where the results are, and the commands of the targets this study has, with this run's own
    --directory and --configfile (a study in its own folder needs them for its report too).
    """
    here = Path.cwd()
    options = "" if here == Path(workflow.basedir) else f" --directory {here}"
    options += "".join(f" --configfile {f}" for f in workflow.overwrite_configfiles)
    targets = [
        f"build the report with `snakemake --cores 1{options} --report report.html`"
    ]
    if hasattr(rules, "power"):
        targets.append(
            f"plan a cohort's size with `snakemake --cores all{options} power`"
        )
    if screening_runners():
        targets.append(f"screen runners with `snakemake --cores all{options} screen`")
    if HAS_SQUAD:
        targets.append(
            f"follow the squad with `snakemake --cores all{options} monitor`"
        )
    places = "; ".join(targets)
    return f"runrisk: results are in {here / 'results'} (tables, models, figures, report); {places}\n"
