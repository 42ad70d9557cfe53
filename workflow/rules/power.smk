# Study planning, not part of analysing a study: cohorts drawn from the simulator and run through the
# study's own code (runrisk.power), under results/montecarlo with a target of its own.


rule montecarlo_size:
    output:
        replicates="results/montecarlo/size-{size}.parquet",
    log:
        "logs/montecarlo/size-{size}.log",
    benchmark:
        "benchmarks/runs/montecarlo_size-{size}.tsv"
    wildcard_constraints:
        size=r"\d+",
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        simulate=SIMULATION,
        terms=config["models"]["terms"],
        timevarying=Timevarying.pick(config["models"]["timevarying"]),
        outcomes=OUTCOME_SETTINGS,
        exposure=CENSORING,
        min_prior_weeks=config["exposure"]["min_prior_weeks"],
        montecarlo=MontecarloSettings.pick(config["montecarlo"]),
    script:
        "../../scripts/montecarlo_size.py"


rule true_effects:
    output:
        effects="results/montecarlo/true_effects.parquet",
    log:
        "logs/montecarlo/true_effects.log",
    benchmark:
        "benchmarks/runs/true_effects.tsv"
    conda:
        ENV
    resources:
        mem_mb=4000,
        runtime=20,
    params:
        simulate=SIMULATION,
        terms=config["models"]["terms"],
        timevarying_terms=config["models"]["timevarying"]["terms"],
        min_worn_weeks=config["exposure"]["min_worn_weeks"],
        comparison=(
            ExposureComparison.pick(config["models"]["exposure_comparison"])
            if COMPARE_EXPOSURES
            else {}
        ),
    script:
        "../../scripts/true_effects.py"


rule montecarlo_summary:
    input:
        replicates=expand(
            "results/montecarlo/size-{size}.parquet",
            size=config["montecarlo"]["sizes"],
        ),
        effects=rules.true_effects.output.effects,
    output:
        summary="results/montecarlo/summary.parquet",
        png=report(
            "results/montecarlo/power.png",
            caption="../report/power.rst",
            category="Study planning",
        ),
        svg="results/montecarlo/power.svg",
        csv=report(
            "results/montecarlo/summary.csv",
            caption="../report/power.rst",
            category="Study planning",
        ),
    log:
        "logs/montecarlo/summary.log",
    benchmark:
        "benchmarks/runs/montecarlo_summary.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        terms=config["models"]["terms"],
        timevarying_terms=config["models"]["timevarying"]["terms"],
    script:
        "../../scripts/montecarlo_summary.py"


# The power study plans a cohort; it is not part of analysing one (its outputs are under results/montecarlo,
# outside the study's result folders): `snakemake --cores all power`.
rule power:
    input:
        rules.montecarlo_summary.output,
