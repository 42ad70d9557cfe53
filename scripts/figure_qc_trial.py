"""Per-trial QC figure for one participant's first trial: GRF, COP path on the foot, extracted peaks."""

from runrisk import scriptio
from runrisk.biomech.stances import StanceSettings, extract_stances, filter_trial
from runrisk.cohort.shards import load_trial
from runrisk.io.layout import TRIAL_KINDS, labelled_files
from runrisk.io.quarantine import attempt, quarantine_for
from runrisk.io.surveillance import read_participants
from runrisk.report.figures import save, trial_qc_figure


def first_readable_trial(raw_dir, participants, preferred, settings, quarantine):
    """The configured participant's first trial, else the first participant whose trial can be read
    (with on_bad_input: quarantine a quarantined participant's trial may not be)."""
    for raw_id in dict.fromkeys([preferred, *participants.index]):
        files = labelled_files(raw_dir, raw_id, TRIAL_KINDS) if raw_id in participants.index else []
        if not files:
            continue
        participant = participants.loc[raw_id]
        path, label = files[0]
        trial = attempt(
            quarantine,
            "qc",
            lambda p=path, q=participant: load_trial(p, q, settings),
        )
        if trial is not None:
            return participant, label, trial
    raise SystemExit("no participant has a readable trial for the QC figure")


def main(snakemake):
    settings = snakemake.params.settings
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    participants = read_participants(snakemake.input.participants, quarantine).set_index("raw_id")
    raw_dir = snakemake.params.raw_dir
    participant, label, trial = first_readable_trial(
        raw_dir, participants, snakemake.params.raw_id, settings, quarantine
    )
    stance_settings = StanceSettings.from_config(settings)
    stances = extract_stances(trial, stance_settings)
    title = f"participant {participant['participant_id']}, trial {label}"
    figure = trial_qc_figure(filter_trial(trial, stance_settings), stances, title, stance_settings.cop_threshold_n)
    save(figure, snakemake.output.png, snakemake.output.svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
