"""runrisk: the domain library of the runrisk workflow (no Snakemake inside)."""

__version__ = "0.3.0"
