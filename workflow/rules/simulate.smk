rule simulate_cohort:
    output:
        participants=RAW_FILES["participants"],
        reports=RAW_FILES["reports"],
        diagnoses=RAW_FILES["diagnoses"],
        truth=f"{RAW}/truth/participants.parquet",
        weekly=f"{RAW}/truth/weekly.parquet",
    log:
        "logs/simulate/cohort.log",
    benchmark:
        "benchmarks/runs/simulate_cohort.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        simulate=SIMULATION,
    script:
        "../../scripts/simulate_cohort.py"


rule simulate_raw_shard:
    input:
        participants=rules.simulate_cohort.output.participants,
        truth=rules.simulate_cohort.output.truth,
        weekly=rules.simulate_cohort.output.weekly,
    output:
        inventory=f"{RAW}/inventory/shard-{{shard}}.tsv",
    log:
        "logs/simulate/raw_shard-{shard}.log",
    benchmark:
        "benchmarks/runs/simulate_raw_shard-{shard}.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        simulate=SIMULATION,
        members=shard_members_param,
        raw_dir=raw_dir_of,
    script:
        "../../scripts/simulate_raw_shard.py"
