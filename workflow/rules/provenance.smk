rule manifest:
    input:
        participants=f"{RAW}/participants.csv",
        outputs=final_outputs(),
        raw=[shard_raw_files(shard, TRIAL_FILES + WEARABLE_FILES) for shard in SHARDS],
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
    script:
        "../../scripts/manifest.py"
