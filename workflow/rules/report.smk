rule forest_plot:
    input:
        expand("results/models/{model}.parquet", model=MODELS),
    output:
        png=report(
            "results/figures/forest.png",
            caption="../report/forest.rst",
            category="Models",
        ),
        svg="results/figures/forest.svg",
    log:
        "logs/figures/forest.log",
    benchmark:
        "benchmarks/runs/figure_forest.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/figure_forest.py"


rule km_plot:
    input:
        analysis=rules.outcomes.output.analysis,
    output:
        png=report(
            "results/figures/km_volume_groups.png",
            caption="../report/km.rst",
            category="Models",
        ),
        svg="results/figures/km_volume_groups.svg",
    log:
        "logs/figures/km.log",
    benchmark:
        "benchmarks/runs/figure_km.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        on_unfittable=config["models"]["on_unfittable"],
    script:
        "../../scripts/figure_km.py"


rule flow_diagram:
    input:
        flow=rules.outcomes.output.flow,
    output:
        png=report(
            "results/figures/flow.png",
            caption="../report/flow.rst",
            category="Participant flow",
        ),
        svg="results/figures/flow.svg",
    log:
        "logs/figures/flow.log",
    benchmark:
        "benchmarks/runs/figure_flow.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/figure_flow.py"


rule weekly_volume_figure:
    input:
        weekly=rules.weekly_volume.output.weekly,
        participants=rules.ingest_participants.output.participants,
        reports=rules.ingest_surveillance.output.reports,
        diagnoses=rules.ingest_surveillance.output.diagnoses,
        outcomes=rules.outcomes.output.outcomes,
    output:
        png=report(
            "results/figures/weekly_volume.png",
            caption="../report/weekly_volume.rst",
            category="Running volume",
        ),
        svg="results/figures/weekly_volume.svg",
    log:
        "logs/figures/weekly_volume.log",
    benchmark:
        "benchmarks/runs/figure_weekly_volume.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        raw_id=config["exposure"]["plot_participant"],
        regions=config["outcomes"]["complaint_regions"],
    script:
        "../../scripts/figure_weekly_volume.py"


rule report_tables:
    input:
        firth="results/models/firth.parquet",
        cox="results/models/cox.parquet",
        cox_timevarying=rules.fit_timevarying.output.coefficients,
        ph_test=rules.ph_test.output.tests,
        validation=rules.validate_model.output.summary,
        sensitivity=rules.sensitivity.output.table,
    output:
        firth=report(
            "results/report/firth.csv",
            caption="../report/table_firth.rst",
            category="Models",
        ),
        cox=report(
            "results/report/cox.csv",
            caption="../report/table_cox.rst",
            category="Models",
        ),
        cox_timevarying=report(
            "results/report/cox_timevarying.csv",
            caption="../report/table_cox_timevarying.rst",
            category="Models",
        ),
        ph_test=report(
            "results/report/ph_test.csv",
            caption="../report/table_ph_test.rst",
            category="Models",
        ),
        validation=report(
            "results/report/validation.csv",
            caption="../report/table_validation.rst",
            category="Prediction performance",
        ),
        sensitivity=report(
            "results/report/sensitivity.csv",
            caption="../report/sensitivity.rst",
            category="Models",
        ),
    log:
        "logs/figures/report_tables.log",
    benchmark:
        "benchmarks/runs/report_tables.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/report_tables.py"
