"""The cohort: per-shard ingestion of participants' files, weekly exposure, outcomes and flow."""
