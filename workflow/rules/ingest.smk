rule ingest_participants:
    input:
        participants=f"{RAW}/participants.csv",
    output:
        participants="results/tables/participants.parquet",
    log:
        "logs/ingest/participants.log",
    benchmark:
        "benchmarks/runs/ingest_participants.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/ingest_participants.py"


rule ingest_surveillance:
    input:
        participants=f"{RAW}/participants.csv",
        reports=f"{RAW}/weekly_reports.csv",
        diagnoses=f"{RAW}/diagnoses.csv",
    output:
        reports="results/tables/weekly_reports.parquet",
        diagnoses="results/tables/diagnoses.parquet",
    log:
        "logs/ingest/surveillance.log",
    benchmark:
        "benchmarks/runs/ingest_surveillance.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/ingest_surveillance.py"
