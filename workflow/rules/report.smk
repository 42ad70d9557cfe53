rule forest_plot:
    input:
        expand("results/models/{model}.parquet", model=["logistic", "cox"]),
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
            "results/figures/km_volume_tertiles.png",
            caption="../report/km.rst",
            category="Models",
        ),
        svg="results/figures/km_volume_tertiles.svg",
    log:
        "logs/figures/km.log",
    benchmark:
        "benchmarks/runs/figure_km.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
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
