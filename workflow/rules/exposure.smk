rule ingest_activities:
    input:
        participants=f"{RAW}/participants.csv",
        raw=wearable_inputs,
    output:
        activities="results/shards/activities/shard-{shard}.parquet",
        quarantine="results/shards/quarantine/wearables-{shard}.parquet",
        weekly="results/shards/weekly/shard-{shard}.parquet",
    log:
        "logs/exposure/activities-{shard}.log",
    benchmark:
        "benchmarks/runs/ingest_activities-{shard}.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        shard_size=config["shard_size"],
        timezone=config["study"]["timezone"],
        settings=config["wearables"],
        on_bad_input=config["on_bad_input"],
        exposure=config["exposure"],
    script:
        "../../scripts/ingest_activities.py"


rule gather_activities:
    input:
        expand("results/shards/activities/shard-{shard}.parquet", shard=SHARDS),
    output:
        activities="results/tables/activities.parquet",
    log:
        "logs/exposure/gather_activities.log",
    benchmark:
        "benchmarks/runs/gather_activities.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=5,
    script:
        "../../scripts/gather_shards.py"


rule weekly_volume:
    input:
        expand("results/shards/weekly/shard-{shard}.parquet", shard=SHARDS),
    output:
        weekly="results/tables/weekly_volume.parquet",
        exposure="results/tables/exposure.parquet",
    log:
        "logs/exposure/weekly_volume.log",
    benchmark:
        "benchmarks/runs/weekly_volume.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        exposure=config["exposure"],
    script:
        "../../scripts/weekly_volume.py"
