"""The methods paragraph (Markdown, and HTML for the report) and the TRIPOD+AI and PROBAST+AI checklists."""

from pathlib import Path

from runrisk import scriptio
from runrisk.io.tables import read_table
from runrisk.report.paper import PROBAST_AI, TRIPOD_AI, checklist, methods_html, render_methods, run_facts
from runrisk.report.provenance import code_revision


def main(snakemake):
    inputs, out = snakemake.input, snakemake.output
    facts = run_facts(
        snakemake.params.settings,
        read_table(inputs.flow),
        read_table(inputs.table1),
        read_table(inputs.sample_size),
        read_table(inputs.validation),
        code_revision(Path(snakemake.params.code_root)),
    )
    text = render_methods(facts)
    Path(out.methods).write_text(text, encoding="utf-8")
    Path(out.methods_html).write_text(methods_html(text), encoding="utf-8")
    checklist(TRIPOD_AI, facts).to_csv(out.tripod_ai, index=False)
    checklist(PROBAST_AI, facts).to_csv(out.probast_ai, index=False)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
