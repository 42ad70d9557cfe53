if SIMULATED:

    rule example_squad:
        input:
            inventory=f"{RAW}/inventory/shard-000.tsv",  # the trials of the squad's first runners
            participants=rules.simulate_cohort.output.participants,
            truth=rules.simulate_cohort.output.truth,
            weekly=rules.simulate_cohort.output.weekly,
        output:
            folder=directory("resources/monitor/example_squad"),
        log:
            "logs/monitor/example_squad.log",
        conda:
            ENV
        resources:
            mem_mb=1000,
            runtime=10,
        params:
            raw_dir=raw_dir_of,
            seed=config["simulate"]["seed"],
        script:
            "../../scripts/example_squad.py"


rule monitor_squad:
    input:
        model=rules.screening_model.output.model,
        squad=squad_folder(),
        files=squad_files(),
    output:
        pages=directory("results/monitor"),
    log:
        "logs/monitor/monitor.log",
    benchmark:
        "benchmarks/runs/monitor.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        lang=config["monitor"]["lang"],
        since=config["monitor"]["since"],
        as_of=config["monitor"]["as_of"],
        date_margin_days=config["monitor"]["date_margin_days"],
        cache="resources/monitor/cache.json",
    script:
        "../../scripts/monitor_squad.py"


rule monitor:
    input:
        rules.monitor_squad.output.pages,
