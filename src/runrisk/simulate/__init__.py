"""The embedded default: a synthetic 4HAIE-like cohort written into real raw formats."""
