"""Every case of the bad-input corpus: a clear error naming file, row or participant and reason; or,
with on_bad_input: quarantine, the participant set aside with that reason. Never a silent drop."""

import re
import shutil

import pytest
from bad_input.corpus import CASES, CONFIG, build_study

from runrisk.cohort.census import shared_contents
from runrisk.cohort.shards import TrialReading, shard_activities, shard_participants, shard_stances
from runrisk.errors import InputError
from runrisk.ids import pseudonymise
from runrisk.io import vocabulary
from runrisk.io.quarantine import quarantine_for
from runrisk.io.surveillance import raw_participant_ids, read_diagnoses, read_participants, read_weekly_reports
from runrisk.io.wearables import WearableSettings


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    root = tmp_path_factory.mktemp("valid") / "raw"
    return root, build_study(root, n=2)  # every case touches the first participant or the second


REGIONS = vocabulary.regions(CONFIG["outcomes"]["region_synonyms"])
SIDES = vocabulary.sides(CONFIG["outcomes"]["side_synonyms"])


def ingest(raw, mode):
    """Every ingestion step of the workflow on one raw folder, as its rules run them."""
    quarantine = quarantine_for(mode)
    participants = read_participants(raw / "participants.csv", quarantine)
    for error in shared_contents(raw, participants["raw_id"]):
        if quarantine is None:
            raise error
        quarantine.add(error, "files")
    read_weekly_reports(raw / "weekly_reports.csv", participants, REGIONS, quarantine)
    read_diagnoses(raw / "diagnoses.csv", participants, SIDES, quarantine)
    members = shard_participants(raw / "participants.csv", raw_participant_ids(raw / "participants.csv"), quarantine)
    shard_stances(members, raw, TrialReading.from_config(CONFIG["biomechanics"]), quarantine)
    shard_activities(
        members, raw, CONFIG["study"]["timezone"], WearableSettings.from_config(CONFIG["wearables"]), quarantine
    )
    return quarantine


def prepared(case, study, tmp_path):
    source, ids = study
    raw = shutil.copytree(source, tmp_path / "raw")
    case.mutate(raw, ids)
    owner = ids[case.participant] if isinstance(case.participant, int) else case.participant
    return raw, owner


def test_corpus_has_thirty_or_more_cases():
    assert len(CASES) >= 30 and len({c.name for c in CASES}) == len(CASES)


def test_the_valid_study_ingests_cleanly(study):
    quarantine = ingest(study[0], "quarantine")
    assert quarantine.records == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_stop_mode_names_file_participant_and_reason(case, study, tmp_path):
    raw, owner = prepared(case, study, tmp_path)
    if case.message is None:  # an odd but valid input: read as it is meant
        assert ingest(raw, "stop") is None
        return
    with pytest.raises(InputError, match=case.message.format(p=re.escape(owner or ""))) as error:
        ingest(raw, "stop")
    assert str(raw) in str(error.value) or "file " in str(error.value)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_quarantine_mode_sets_the_participant_aside_or_stops(case, study, tmp_path):
    raw, owner = prepared(case, study, tmp_path)
    if case.message is None:
        assert ingest(raw, "quarantine").records == []
        return
    if owner is None:  # damage to a whole file: no one to set aside, so it still stops
        with pytest.raises(InputError):
            ingest(raw, "quarantine")
        return
    quarantine = ingest(raw, "quarantine")
    mine = [r for r in quarantine.records if r["participant_id"] == pseudonymise(owner)]
    assert mine, quarantine.records
    reason = case.message.split(": ", 1)[-1].split(":", 1)[-1].strip()
    assert any(re.search(reason.format(p=re.escape(owner)), r["reason"]) for r in mine), (reason, mine)
    assert all(r["enrolled"] == case.enrolled for r in mine)
    assert owner not in {r["participant_id"] for r in quarantine.records}  # pseudonyms only
