rule extract_stances:
    input:
        participants=RAW_FILES["participants"],
        raw=trial_inputs,
    output:
        stances="results/shards/stances/shard-{shard}.parquet",
        trials="results/shards/trials/shard-{shard}.parquet",
        quarantine="results/shards/quarantine/trials-{shard}.parquet",
    log:
        "logs/biomechanics/stances-{shard}.log",
    benchmark:
        "benchmarks/runs/extract_stances-{shard}.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        members=shard_members_param,
        raw_dir=raw_dir_of,
        settings=TRIAL_READING,
        on_bad_input=config["on_bad_input"],
    script:
        "../../scripts/extract_stances.py"


rule gather_stances:
    input:
        shards=expand("results/shards/stances/shard-{shard}.parquet", shard=SHARDS),
        quarantine=rules.gather_quarantine.output.table,
    output:
        table="results/tables/stances.parquet",
    log:
        "logs/biomechanics/gather_stances.log",
    benchmark:
        "benchmarks/runs/gather_stances.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        table="stances",
    script:
        "../../scripts/gather_shards.py"


rule gather_trials:
    input:
        shards=expand("results/shards/trials/shard-{shard}.parquet", shard=SHARDS),
        quarantine=rules.gather_quarantine.output.table,
    output:
        table="results/tables/trials.parquet",
    log:
        "logs/biomechanics/gather_trials.log",
    benchmark:
        "benchmarks/runs/gather_trials.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        table="trials",
    script:
        "../../scripts/gather_shards.py"


rule summarise_biomechanics:
    input:
        stances=rules.gather_stances.output.table,
    output:
        biomechanics="results/tables/biomechanics.parquet",
    log:
        "logs/biomechanics/summarise.log",
    benchmark:
        "benchmarks/runs/summarise_biomechanics.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/summarise_biomechanics.py"


rule qc_trial_figure:
    input:
        participants=RAW_FILES["participants"],
        raw=qc_trial_inputs,
    output:
        png=report(
            "results/figures/qc_trial.png",
            caption="../report/qc_trial.rst",
            category="Biomechanics",
        ),
        svg="results/figures/qc_trial.svg",
    log:
        "logs/figures/qc_trial.log",
    benchmark:
        "benchmarks/runs/figure_qc_trial.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        raw_id=QC_PARTICIPANT,
        raw_dir=raw_dir_of,
        settings=TRIAL_READING,
        on_bad_input=config["on_bad_input"],
    script:
        "../../scripts/figure_qc_trial.py"
