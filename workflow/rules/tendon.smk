rule tendon:
    input:
        participants=RAW_FILES["participants"],
        raw=mri_files(),
    output:
        tendon="results/tables/tendon.parquet",
        quarantine="results/shards/quarantine/mri.parquet",
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
        runtime=20,
    params:
        raw_dir=raw_dir_of,
        settings=TendonSettings.pick(config["tendon"]),
        abnormal=AbnormalTendon.pick(config["tendon"]["abnormal"]),
        on_bad_input=config["on_bad_input"],
    script:
        "../../scripts/tendon.py"


rule tendon_figure:
    input:
        participants=RAW_FILES["participants"],
        tendon=rules.tendon.output.tendon,
        raw=mri_files(),
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
