"""Readers and writers: raw lab, wearable and surveillance files in; Parquet tables in and out.

Nothing here knows a study's rules; each reader returns plain rows in documented units and raises
runrisk.errors.InputError naming the file, the row or participant, and the reason.
"""
