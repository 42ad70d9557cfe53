rule extract_stances:
    input:
        participants=f"{RAW}/participants.csv",
        raw=raw_files("c3d", "*.c3d"),
    output:
        stances="results/shards/stances/shard-{shard}.parquet",
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
        shard_size=config["shard_size"],
        settings=config["biomechanics"],
    script:
        "../../scripts/extract_stances.py"


rule gather_stances:
    input:
        expand("results/shards/stances/shard-{shard}.parquet", shard=SHARDS),
    output:
        stances="results/tables/stances.parquet",
    log:
        "logs/biomechanics/gather_stances.log",
    benchmark:
        "benchmarks/runs/gather_stances.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=5,
    script:
        "../../scripts/gather_shards.py"


rule summarise_biomechanics:
    input:
        stances=rules.gather_stances.output.stances,
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
