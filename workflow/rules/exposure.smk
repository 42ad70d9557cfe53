rule ingest_activities:
    input:
        participants=RAW_FILES["participants"],
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
        members=shard_members_param,
        raw_dir=raw_dir_of,
        timezone=config["study"]["timezone"],
        settings=WEARABLES,
        on_bad_input=config["on_bad_input"],
        weeks=WEEK_COUNTING,
    script:
        "../../scripts/ingest_activities.py"


rule gather_activities:
    input:
        shards=expand("results/shards/activities/shard-{shard}.parquet", shard=SHARDS),
        quarantine=rules.gather_quarantine.output.table,
    output:
        table="results/tables/activities.parquet",
    log:
        "logs/exposure/gather_activities.log",
    benchmark:
        "benchmarks/runs/gather_activities.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        table="activities",
    script:
        "../../scripts/gather_shards.py"


rule weekly_volume:
    input:
        shards=expand("results/shards/weekly/shard-{shard}.parquet", shard=SHARDS),
        quarantine=rules.gather_quarantine.output.table,
        participants=rules.ingest_participants.output.participants,
        reports=rules.ingest_surveillance.output.reports,
        diagnoses=rules.ingest_surveillance.output.diagnoses,
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
        outcomes=OUTCOME_SETTINGS,
        exposure=CENSORING,
    script:
        "../../scripts/weekly_volume.py"


if TENDON_LOAD:

    rule weekly_tendon_load:
        input:
            activities=rules.gather_activities.output.table,
            participants=rules.ingest_participants.output.participants,
            biomechanics=rules.summarise_biomechanics.output.biomechanics,
            weekly=rules.weekly_volume.output.weekly,
            exposure=rules.weekly_volume.output.exposure,
        output:
            weekly="results/tables/weekly_tendon_load.parquet",
            exposure=TENDON_EXPOSURE_TABLE,
        log:
            "logs/exposure/weekly_tendon_load.log",
        benchmark:
            "benchmarks/runs/weekly_tendon_load.tsv"
        conda:
            ENV
        resources:
            mem_mb=2000,
            runtime=5,
        params:
            relation=SpeedRelation.pick(config["exposure"]["tendon_load"]),
            primary_limb=config["biomechanics"]["primary_limb"],
        script:
            "../../scripts/weekly_tendon_load.py"
