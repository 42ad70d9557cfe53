"""Per-trial QC figure for one participant's first trial: GRF, COP path on the foot, extracted peaks."""

from pathlib import Path

from runrisk import scriptio
from runrisk.biomechanics import StanceSettings, extract_stances, filter_trial
from runrisk.figures import save, trial_qc_figure
from runrisk.pipeline import convention_of, load_trial, trial_files
from runrisk.surveillance import read_participants


def main(snakemake):
    settings = snakemake.params.settings
    participants = read_participants(snakemake.input.participants).set_index("raw_id")
    participant = participants.loc[snakemake.params.raw_id]
    path = trial_files(Path(snakemake.input.participants).parent, snakemake.params.raw_id)[0]
    trial = load_trial(
        path, convention_of(participant, settings), participant["body_mass_kg"], settings.get("visual3d_rate_hz")
    )
    stance_settings = StanceSettings.from_config(settings)
    stances = extract_stances(trial, stance_settings)
    title = f"participant {participant['participant_id']}, trial {path.stem}"
    save(
        trial_qc_figure(filter_trial(trial, stance_settings), stances, title, stance_settings.cop_threshold_n),
        snakemake.output.png,
        snakemake.output.svg,
    )


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
