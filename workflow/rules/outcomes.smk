rule outcomes:
    input:
        participants=rules.ingest_participants.output.participants,
        unenrolled=rules.ingest_participants.output.unenrolled,
        biomechanics=rules.summarise_biomechanics.output.biomechanics,
        exposure=rules.weekly_volume.output.exposure,
        reports=rules.ingest_surveillance.output.reports,
        diagnoses=rules.ingest_surveillance.output.diagnoses,
        quarantine=rules.gather_quarantine.output.table,
        stances=rules.gather_stances.output.table,
        trials=rules.gather_trials.output.table,
        tendon=tendon_input,
        tendon_exposure=tendon_exposure_input,
    output:
        outcomes="results/tables/outcomes.parquet",
        flow="results/tables/flow.parquet",
        analysis="results/tables/analysis.parquet",
        sensitivity_frames="results/tables/analysis_sensitivity.parquet",
        # the flow's reasons, written before any model can stop the run, so that its end can say them
        flow_csv=report(
            "results/report/flow.csv",
            caption="../report/table_flow.rst",
            category="Participant flow",
        ),
        exclusions=report(
            "results/report/exclusions.csv",
            caption="../report/table_exclusions.rst",
            category="Participant flow",
        ),
        stance_qc=report(
            "results/report/stance_qc.csv",
            caption="../report/table_stance_qc.rst",
            category="Participant flow",
        ),
        summary="results/report/flow_summary.txt",
    log:
        "logs/outcomes/outcomes.log",
    benchmark:
        "benchmarks/runs/outcomes.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        outcomes=OUTCOME_SETTINGS,
        exposure=CENSORING,
        primary_limb=config["biomechanics"]["primary_limb"],
        term_columns=TERM_COLUMNS,
        abnormal_tendon=AbnormalTendon.pick(config["tendon"]["abnormal"]),
        study=config["study"]["name"],
        measures=MEASURES,
    script:
        "../../scripts/outcomes.py"
