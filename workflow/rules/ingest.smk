rule raw_inventory:
    input:
        participants=RAW_FILES["participants"],
    output:
        inventory="results/shards/inventory/{modality}-{shard}.tsv",
    log:
        "logs/ingest/inventory-{modality}-{shard}.log",
    benchmark:
        "benchmarks/runs/raw_inventory-{modality}-{shard}.tsv"
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=5,
    params:
        members=shard_members_param,
        raw_dir=raw_dir_of,
        fingerprint=inventory_fingerprint,
    script:
        "../../scripts/raw_inventory.py"


rule ingest_participants:
    input:
        participants=RAW_FILES["participants"],
        raw=all_inventories(),
    output:
        participants="results/tables/participants.parquet",
        quarantine="results/shards/quarantine/participants.parquet",
        unenrolled="results/tables/unenrolled.parquet",
    log:
        "logs/ingest/participants.log",
    benchmark:
        "benchmarks/runs/ingest_participants.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        on_bad_input=config["on_bad_input"],
        raw_dir=raw_dir_of,
    script:
        "../../scripts/ingest_participants.py"


rule ingest_surveillance:
    input:
        participants=RAW_FILES["participants"],
        reports=RAW_FILES["reports"],
        diagnoses=RAW_FILES["diagnoses"],
    output:
        reports="results/tables/weekly_reports.parquet",
        diagnoses="results/tables/diagnoses.parquet",
        quarantine="results/shards/quarantine/surveillance.parquet",
    log:
        "logs/ingest/surveillance.log",
    benchmark:
        "benchmarks/runs/ingest_surveillance.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        on_bad_input=config["on_bad_input"],
        region_synonyms=config["outcomes"]["region_synonyms"],
        side_synonyms=config["outcomes"]["side_synonyms"],
    script:
        "../../scripts/ingest_surveillance.py"


rule gather_quarantine:
    input:
        shards=[
            rules.ingest_participants.output.quarantine,
            rules.ingest_surveillance.output.quarantine,
            *expand("results/shards/quarantine/trials-{shard}.parquet", shard=SHARDS),
            *expand(
                "results/shards/quarantine/wearables-{shard}.parquet", shard=SHARDS
            ),
            *(
                expand("results/shards/quarantine/mri-{shard}.parquet", shard=SHARDS)
                if HAS_MRI
                else []
            ),
        ],
    output:
        table="results/tables/quarantine.parquet",
    log:
        "logs/ingest/gather_quarantine.log",
    benchmark:
        "benchmarks/runs/gather_quarantine.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        table="quarantine",
    script:
        "../../scripts/gather_shards.py"
