rule tendon_shard:
    input:
        participants=RAW_FILES["participants"],
        raw=mri_inputs,
    output:
        tendon="results/shards/tendon/shard-{shard}.parquet",
        quarantine="results/shards/quarantine/mri-{shard}.parquet",
    log:
        "logs/tendon/tendon-{shard}.log",
    benchmark:
        "benchmarks/runs/tendon_shard-{shard}.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        members=shard_members_param,
        raw_dir=raw_dir_of,
        settings=TendonSettings.pick(config["tendon"]),
        on_bad_input=config["on_bad_input"],
    script:
        "../../scripts/tendon_shard.py"


rule tendon:
    input:
        shards=expand("results/shards/tendon/shard-{shard}.parquet", shard=SHARDS),
        quarantine=rules.gather_quarantine.output.table,
    output:
        tendon=TENDON_TABLE,
        summary=report(
            "results/report/tendon.csv",
            caption="../report/table_tendon.rst",
            category="Tendon MRI",
        ),
    log:
        "logs/tendon/tendon.log",
    benchmark:
        "benchmarks/runs/tendon.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        abnormal=AbnormalTendon.pick(config["tendon"]["abnormal"]),
    script:
        "../../scripts/tendon.py"


rule tendon_figure:
    input:
        participants=RAW_FILES["participants"],
        tendon=rules.tendon.output.tendon,
        raw=mri_inventories(),
    output:
        png=report(
            "results/figures/tendon_qc.png",
            caption="../report/tendon_qc.rst",
            category="Tendon MRI",
        ),
        svg="results/figures/tendon_qc.svg",
    log:
        "logs/figures/tendon_qc.log",
    benchmark:
        "benchmarks/runs/figure_tendon_qc.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        raw_id=QC_PARTICIPANT,
        raw_dir=raw_dir_of,
        settings=TendonSettings.pick(config["tendon"]),
        on_bad_input=config["on_bad_input"],
    script:
        "../../scripts/figure_tendon.py"
