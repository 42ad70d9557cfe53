"""Per-trial QC figure for one participant's first trial: GRF, COP path on the foot, extracted peaks."""

from runrisk import scriptio
from runrisk.biomech.stances import filter_trial
from runrisk.cohort.shards import TrialReading, first_readable_trial
from runrisk.io.quarantine import quarantine_for
from runrisk.io.surveillance import read_participants
from runrisk.report.figures import not_drawn, save, trial_qc_figure


def main(snakemake):
    settings = TrialReading.of(snakemake.params.settings)
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    participants = read_participants(snakemake.input.participants, quarantine).set_index("raw_id")
    found = first_readable_trial(snakemake.params.raw_dir, participants, snakemake.params.raw_id, settings)
    if found is None:
        figure = not_drawn("Trial QC: not drawn", "no participant has a trial that can be read")
    else:
        participant, label, trial, stances = found
        title = f"participant {participant['participant_id']}, trial {label}"
        figure = trial_qc_figure(filter_trial(trial, settings), stances, title, settings.cop_threshold_n)
    save(figure, snakemake.output.png, snakemake.output.svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
