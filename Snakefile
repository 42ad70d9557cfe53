import sys
import time

from snakemake.utils import min_version, validate

min_version("9.0")

sys.path.insert(0, f"{workflow.basedir}/src")
from runrisk.config import validate_config

RUN_STARTED = time.time()


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


# Our validator lists every problem by key with what is allowed; Snakemake's then fills defaults.
validate_config(config, f"{workflow.basedir}/workflow/schemas/config.schema.yaml")


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"


# Only the embedded default writes raw data: a study's own raw files are never generated over.
if SIMULATED:

    include: "workflow/rules/simulate.smk"


include: "workflow/rules/ingest.smk"
include: "workflow/rules/biomechanics.smk"


if HAS_MRI:

    include: "workflow/rules/tendon.smk"


include: "workflow/rules/exposure.smk"
include: "workflow/rules/outcomes.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/power.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/paper.smk"
include: "workflow/rules/provenance.smk"
include: "workflow/rules/screening.smk"


if HAS_SQUAD:

    include: "workflow/rules/monitor.smk"


# one-second jobs: on a cluster they run beside the scheduler instead of waiting in the queue
localrules:
    all,
    raw_inventory,
    gather_stances,
    gather_trials,
    gather_activities,
    gather_quarantine,
    summarise_biomechanics,
    forest_plot,
    km_plot,
    flow_diagram,
    weekly_volume_figure,
    report_tables,
    describe_cohort,
    sample_size,
    paper_text,
    power,
    screen,
    monitor,
    provenance_table,


onsuccess:
    print(flow_summary(written_since=RUN_STARTED) + closing_message(), end="")


onerror:
    print(flow_summary(written_since=RUN_STARTED), end="")


rule all:
    default_target: True
    input:
        final_outputs(),
        "results/provenance/manifest.json",
