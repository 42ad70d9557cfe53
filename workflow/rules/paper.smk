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
