"""Study planning, apart from the analysis: Monte-Carlo cohorts drawn from the simulator and run through the
study's own outcome, exposure and model code (montecarlo), against the true effects of a large truth
cohort (truth). The only statistics that import the simulator live here, so runrisk.stats depends on none."""
