"""The tendon MRI's QC figure for one participant: first echo with the ROI outline, and the T2* map."""

from runrisk import scriptio
from runrisk.io.quarantine import quarantine_for
from runrisk.io.surveillance import read_participants
from runrisk.io.tables import read_table
from runrisk.report.figures import not_drawn, save, tendon_qc_figure
from runrisk.tendon.study import TendonSettings, first_view


def main(snakemake):
    settings = TendonSettings.of(snakemake.params.settings)
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    participants = read_participants(snakemake.input.participants, quarantine).set_index("raw_id")
    tendon = read_table(snakemake.input.tendon)
    found = first_view(snakemake.params.raw_dir, participants, snakemake.params.raw_id, tendon, settings)
    if found is None:
        figure = not_drawn("Tendon MRI QC: not drawn", "no participant has a tendon series with a mask")
    else:
        who, view = found
        title = f"participant {who}: ROI median T2* {view.t2star_median_ms:.1f} ms, {view.echoes} echoes"
        figure = tendon_qc_figure(view, title)
    save(figure, snakemake.output.png, snakemake.output.svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
