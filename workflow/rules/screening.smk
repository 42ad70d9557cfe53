if SIMULATED:

    rule example_runner:
        input:
            inventory=f"{RAW}/inventory/shard-000.tsv",
            participants=rules.simulate_cohort.output.participants,
            truth=rules.simulate_cohort.output.truth,
        output:
            folder=directory("resources/screening/example"),
        log:
            "logs/screening/example_runner.log",
        conda:
            ENV
        resources:
            mem_mb=500,
            runtime=5,
        params:
            raw_dir=raw_dir_of,
        script:
            "../../scripts/example_runner.py"


rule screen_runner:
    input:
        model=rules.screening_model.output.model,
        runner=runner_folder,
    output:
        page="results/screening/{runner}.html",
    log:
        "logs/screening/{runner}.log",
    benchmark:
        "benchmarks/runs/screen_{runner}.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        lang=config["screening"]["lang"],
    script:
        "../../scripts/screen_runner.py"


rule screen:
    input:
        expand("results/screening/{runner}.html", runner=screening_runners()),
