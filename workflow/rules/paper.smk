# What a paper reports first: who the participants were, how cases differed from controls, and whether
# the analysis is large enough for the model it fits.


rule describe_cohort:
    input:
        participants=rules.ingest_participants.output.participants,
        outcomes=rules.outcomes.output.outcomes,
        analysis=rules.outcomes.output.analysis,
        biomechanics=rules.summarise_biomechanics.output.biomechanics,
        exposure=rules.weekly_volume.output.exposure,
        tendon=tendon_input,
    output:
        table1="results/tables/table1.parquet",
        table2="results/tables/table2.parquet",
        table1_csv=report(
            "results/report/table1.csv",
            caption="../report/table1.rst",
            category="Participants",
        ),
        table2_csv=report(
            "results/report/table2.csv",
            caption="../report/table2.rst",
            category="Participants",
        ),
    log:
        "logs/paper/describe_cohort.log",
    benchmark:
        "benchmarks/runs/describe_cohort.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        primary_limb=config["biomechanics"]["primary_limb"],
        window=config["exposure"]["window"],
        abnormal_tendon=AbnormalTendon.pick(config["tendon"]["abnormal"]),
    script:
        "../../scripts/describe_cohort.py"


rule sample_size:
    input:
        analysis=rules.outcomes.output.analysis,
    output:
        table="results/models/sample_size.parquet",
        csv=report(
            "results/report/sample_size.csv",
            caption="../report/table_sample_size.rst",
            category="Prediction performance",
        ),
    log:
        "logs/paper/sample_size.log",
    benchmark:
        "benchmarks/runs/sample_size.tsv"
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=5,
    params:
        terms=config["models"]["terms"],
        settings=SampleSizeSettings.pick(config["sample_size"]),
    script:
        "../../scripts/sample_size.py"


rule paper_text:
    input:
        flow=rules.outcomes.output.flow,
        table1=rules.describe_cohort.output.table1,
        sample_size=rules.sample_size.output.table,
        validation=rules.validate_model.output.summary,
    output:
        methods="results/report/methods.md",
        methods_html=report(
            "results/report/methods.html",
            caption="../report/methods.rst",
            category="Paper",
        ),
        tripod_ai=report(
            "results/report/tripod_ai.csv",
            caption="../report/tripod_ai.rst",
            category="Paper",
        ),
        probast_ai=report(
            "results/report/probast_ai.csv",
            caption="../report/probast_ai.rst",
            category="Paper",
        ),
    log:
        "logs/paper/paper_text.log",
    benchmark:
        "benchmarks/runs/paper_text.tsv"
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=5,
    params:
        code_root=workflow.basedir,
        settings={
            "study": config["study"]["name"],
            "synthetic": SIMULATED,
            "config_sha256": canonical_config_hash(config),
            "primary_limb": config["biomechanics"]["primary_limb"],
            "min_valid_stances": config["outcomes"]["min_valid_stances"],
            "window": config["exposure"]["window"],
            "min_worn_weeks": config["exposure"]["min_worn_weeks"],
            "follow_up_weeks": config["exposure"]["follow_up_weeks"],
            "grace_weeks": config["exposure"]["grace_weeks"],
            "case_icd10": config["outcomes"]["case_icd10"],
            "terms": [term["label"] for term in config["models"]["terms"]],
            "method": config["validation"]["method"],
            "bootstrap": config["validation"]["bootstrap_repetitions"],
            "calibration_groups": config["validation"]["calibration_groups"],
            "sensitivity": SensitivitySettings.pick(config["sensitivity"]),
        },
    script:
        "../../scripts/paper_text.py"
