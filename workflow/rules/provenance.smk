rule provenance_table:
    output:
        table=report(
            "results/report/provenance.csv",
            caption="../report/table_provenance.rst",
            category="Provenance",
        ),
    log:
        "logs/provenance/provenance_table.log",
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=5,
    params:
        code_root=workflow.basedir,
        config_sha256=canonical_config_hash(config),
    script:
        "../../scripts/provenance_table.py"


rule manifest:
    input:
        participants=RAW_FILES["participants"],
        outputs=final_outputs(),
        raw=all_inventories(),
    output:
        manifest="results/provenance/manifest.json",
    log:
        "logs/provenance/manifest.log",
    benchmark:
        "benchmarks/runs/manifest.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code_root=workflow.basedir,
        raw_dir=raw_dir_of,
        config=config,  # the manifest records the whole config: any change rewrites it
        key_fingerprint=KEY_FINGERPRINT,  # which key made the pseudonyms (never the key)
    script:
        "../../scripts/manifest.py"
