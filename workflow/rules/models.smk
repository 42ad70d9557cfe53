rule fit_model:
    input:
        analysis=rules.outcomes.output.analysis,
    output:
        coefficients="results/models/{model}.parquet",
    log:
        "logs/models/{model}.log",
    benchmark:
        "benchmarks/runs/fit_{model}.tsv"
    wildcard_constraints:
        model="|".join(MODELS),
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        on_unfittable=config["models"]["on_unfittable"],
        terms=config["models"]["terms"],
    script:
        "../../scripts/fit_model.py"


rule fit_timevarying:
    input:
        analysis=rules.outcomes.output.analysis,
        weekly=rules.weekly_volume.output.weekly,
    output:
        coefficients="results/models/cox_timevarying.parquet",
    log:
        "logs/models/cox_timevarying.log",
    benchmark:
        "benchmarks/runs/fit_cox_timevarying.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        on_unfittable=config["models"]["on_unfittable"],
        timevarying=Timevarying.pick(config["models"]["timevarying"]),
        grace_weeks=config["exposure"]["grace_weeks"],
    script:
        "../../scripts/fit_timevarying.py"


rule ph_test:
    input:
        analysis=rules.outcomes.output.analysis,
    output:
        tests="results/models/ph_test.parquet",
    log:
        "logs/models/ph_test.log",
    benchmark:
        "benchmarks/runs/ph_test.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        on_unfittable=config["models"]["on_unfittable"],
        terms=config["models"]["terms"],
    script:
        "../../scripts/ph_test.py"


rule validate_model:
    input:
        analysis=rules.outcomes.output.analysis,
    output:
        summary="results/models/validation.parquet",
        calibration="results/models/calibration_curve.parquet",
        decision="results/models/decision_curve.parquet",
        calibration_png=report(
            "results/figures/calibration.png",
            caption="../report/calibration.rst",
            category="Prediction performance",
        ),
        calibration_svg="results/figures/calibration.svg",
        decision_png=report(
            "results/figures/decision_curve.png",
            caption="../report/decision_curve.rst",
            category="Prediction performance",
        ),
        decision_svg="results/figures/decision_curve.svg",
    log:
        "logs/models/validation.log",
    benchmark:
        "benchmarks/runs/validate_model.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        on_unfittable=config["models"]["on_unfittable"],
        terms=config["models"]["terms"],
        validation=ValidationSettings.pick(config["validation"]),
    script:
        "../../scripts/validate_model.py"


rule sensitivity:
    input:
        analysis=rules.outcomes.output.analysis,
        frames=rules.outcomes.output.sensitivity_frames,
    output:
        table="results/models/sensitivity.parquet",
        png=report(
            "results/figures/sensitivity.png",
            caption="../report/sensitivity.rst",
            category="Models",
        ),
        svg="results/figures/sensitivity.svg",
    log:
        "logs/models/sensitivity.log",
    benchmark:
        "benchmarks/runs/sensitivity.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        on_unfittable=config["models"]["on_unfittable"],
        terms=config["models"]["terms"],
        sensitivity=SensitivitySettings.pick(config["sensitivity"]),
    script:
        "../../scripts/sensitivity.py"


rule screening_model:
    input:
        analysis=rules.outcomes.output.analysis,
        firth="results/models/firth.parquet",
        validation=rules.validate_model.output.summary,
    output:
        model="results/models/screening_model.json",
    log:
        "logs/models/screening_model.log",
    benchmark:
        "benchmarks/runs/screening_model.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        terms=config["models"]["terms"],
        code_root=workflow.basedir,
        study={
            "name": config["study"]["name"],
            "synthetic": SIMULATED,
            "config_sha256": canonical_config_hash(config),
            "primary_limb": config["biomechanics"]["primary_limb"],
        },
        settings={
            "biomechanics": TRIAL_READING,
            "wearables": WEARABLES,
            "exposure": ScreeningExposure.pick(config["exposure"]),
            "timezone": config["study"]["timezone"],
            "tendon": TendonSettings.pick(config["tendon"]),
            "tendon_load": SpeedRelation.pick(config["exposure"]["tendon_load"]),
            "outcomes": {
                key: config["outcomes"][key]
                for key in ("region_synonyms", "side_synonyms")
            },
        },
        definition=(
            f"physician-confirmed diagnosis ({', '.join(config['outcomes']['case_icd10'])}) "
            f"within {config['exposure']['follow_up_weeks']} weeks of the lab session"
        ),
    script:
        "../../scripts/screening_model.py"


if COMPARE_EXPOSURES:

    rule compare_exposures:
        input:
            analysis=rules.outcomes.output.analysis,
        output:
            table="results/models/exposure_comparison.parquet",
            csv=report(
                "results/report/exposure_comparison.csv",
                caption="../report/table_exposure_comparison.rst",
                category="Models",
            ),
        log:
            "logs/models/exposure_comparison.log",
        benchmark:
            "benchmarks/runs/compare_exposures.tsv"
        conda:
            ENV
        resources:
            mem_mb=1000,
            runtime=10,
        params:
            on_unfittable=config["models"]["on_unfittable"],
            terms=config["models"]["terms"],
            comparison=ExposureComparison.pick(config["models"]["exposure_comparison"]),
            seed=config["validation"]["seed"],
        script:
            "../../scripts/compare_exposures.py"
