"""The tendon MRI: T2* fits against phantoms of known T2*, the readers on pydicom's and nibabel's own test
files and on a synthetic scanner series, masks in another geometry, and bad input named by file label."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pydicom
import pytest
from pydicom.data import get_testdata_file
from workflow_runner import schema_defaults

from runrisk.errors import InputError
from runrisk.io import mri
from runrisk.simulate.mri_writer import (
    Patient,
    Phantom,
    write_dicom_seg,
    write_dicom_series,
    write_enhanced_series,
)
from runrisk.tendon.measures import Geometry, roi_measures
from runrisk.tendon.study import TendonSettings
from runrisk.tendon.t2star import FITTED, LOW_R2, fit_t2star

TE = np.array([1.5, 3.5, 5.5, 7.5, 9.5, 11.5, 13.5, 15.5])
ACCEPT = TendonSettings.from_config(schema_defaults()["tendon"]).acceptance  # the schema's defaults


def rician(t2star: float, snr: float, n: int, seed: int) -> tuple[np.ndarray, float]:
    rng = np.random.default_rng(seed)
    sigma = 1000.0 / snr
    clean = 1000.0 * np.exp(-TE / t2star)
    return np.abs(clean + rng.normal(0, sigma, (n, TE.size)) + 1j * rng.normal(0, sigma, (n, TE.size))), sigma


@pytest.mark.parametrize("t2star", [5.0, 10.0, 20.0, 40.0, 60.0])
@pytest.mark.parametrize("snr", [20.0, 100.0])
def test_the_default_fit_recovers_t2star_within_2_percent_at_snr_20_and_more(t2star, snr):
    signal, sigma = rician(t2star, snr, 1000, seed=int(t2star * snr))
    fit = fit_t2star(signal, TE, sigma=sigma, acceptance=ACCEPT)
    assert fit.fitted.mean() > 0.9
    assert abs(np.median(fit.t2star_ms[fit.fitted]) / t2star - 1) < 0.02


def test_log_linear_is_biased_by_the_noise_floor_where_the_default_is_not():
    """The reason the default is the Rician fit: at T2* 5 ms and SNR 20 late echoes sit in the floor."""
    signal, sigma = rician(5.0, 20.0, 2000, seed=3)
    loglinear = fit_t2star(signal, TE, "loglinear", acceptance=ACCEPT)
    default = fit_t2star(signal, TE, sigma=sigma, acceptance=ACCEPT)
    assert np.median(loglinear.t2star_ms[loglinear.fitted]) / 5.0 - 1 > 0.05
    assert abs(np.median(default.t2star_ms[default.fitted]) / 5.0 - 1) < 0.02


def test_voxels_are_rejected_with_their_reason():
    signal, sigma = rician(10.0, 50.0, 4, seed=4)
    signal[1] = 50.0  # flat: no decay to fit
    signal[2, 3] = np.nan
    signal[3, 0] = -1.0  # a negative magnitude is no measurement
    fit = fit_t2star(signal, TE, sigma=sigma, acceptance=ACCEPT)
    assert fit.status[0] == FITTED
    assert fit.status[1] != FITTED and fit.status[2] == fit.status[3] == 4
    flat = fit_t2star(np.full((1, TE.size), 50.0) + np.linspace(0, 1e-3, TE.size), TE, "loglinear", acceptance=ACCEPT)
    assert flat.status[0] in (LOW_R2, 3)
    with pytest.raises(ValueError, match="noise SD"):
        fit_t2star(signal, TE, acceptance=ACCEPT)  # the Rician fit without sigma


def test_pydicom_test_file_reads_with_the_geometry_nibabel_reports():
    """pydicom's MR_small.dcm: our affine equals nibabel's DICOM wrapper's (LPS), turned to RAS."""
    from nibabel.nicom import dicomwrappers

    path = get_testdata_file("MR_small.dcm")
    ds = pydicom.dcmread(path)
    theirs = dicomwrappers.wrapper_from_data(ds).affine  # voxel (row, column, slice) -> LPS
    ours = mri._dicom_affine(
        np.asarray(ds.ImageOrientationPatient[:3], float),
        np.asarray(ds.ImageOrientationPatient[3:], float),
        [float(v) for v in ds.PixelSpacing],
        np.asarray([ds.ImagePositionPatient], float),
    )
    lps = mri.LPS_TO_RAS @ ours  # back to LPS; our voxel axes are (column, row): swap to nibabel's order
    np.testing.assert_allclose(lps[:3, [1, 0]], theirs[:3, :2], atol=1e-6)
    np.testing.assert_allclose(lps[:3, 3], theirs[:3, 3], atol=1e-6)


def echoes_from(path, folder, echo_times, patient_ids=None):
    """A multi-echo 'series' from one test file: the same slice written at several echo times."""
    folder.mkdir(parents=True, exist_ok=True)
    for e, te in enumerate(echo_times):
        ds = pydicom.dcmread(path)
        ds.EchoTime = te
        if patient_ids:
            ds.PatientID = patient_ids[e]
        ds.save_as(folder / f"echo{e}.dcm")
    return sorted(folder.iterdir())


def test_a_series_of_pydicom_test_files_reads_in_echo_order(tmp_path):
    files = echoes_from(get_testdata_file("MR_small.dcm"), tmp_path / "p", [9.0, 3.0, 6.0])
    image = mri.read_dicom_series(files, tmp_path / "p", "P1")
    assert image.signal.shape == (64, 64, 1, 3)
    np.testing.assert_array_equal(image.echo_times_ms, [3.0, 6.0, 9.0])
    pixels = pydicom.dcmread(files[0]).pixel_array.T.astype(float)
    np.testing.assert_array_equal(image.signal[:, :, 0, 0], pixels)


def test_nibabel_test_file_reads_with_its_own_affine(tmp_path):
    import nibabel
    from nibabel.testing import data_path

    source = tmp_path / "p" / "t2star_me.nii.gz"
    source.parent.mkdir()
    shutil.copyfile(f"{data_path}/example4d.nii.gz", source)
    image = nibabel.load(source)
    n = image.shape[3]
    (tmp_path / "p" / "t2star_me.json").write_text(json.dumps({"EchoTime": [0.002 * (i + 1) for i in range(n)]}))
    series = mri.read_series(mri.scan_files(tmp_path / "p"), tmp_path / "p", "P1")
    np.testing.assert_allclose(series.affine, image.affine)
    assert series.signal.shape == image.shape
    np.testing.assert_allclose(series.echo_times_ms, [2.0 * (i + 1) for i in range(n)])


@pytest.fixture(scope="module")
def scanner_series(tmp_path_factory):
    phantom = Phantom(t2star_ms=12.0, snr=40.0)
    folder = tmp_path_factory.mktemp("mri") / "P1"
    write_dicom_series(folder, phantom.magnitudes(np.random.default_rng(7)), phantom, Patient(), seed=7)
    return phantom, folder


def test_a_scanner_series_gives_the_phantoms_t2star_area_and_thickness(scanner_series):
    phantom, folder = scanner_series
    image = mri.read_series(mri.scan_files(folder), folder, "P1")
    mask = phantom.tendon_mask()
    sigma = mri.corner_sigma(image.signal)
    assert abs(sigma / (phantom.s0 / phantom.snr) - 1) < 0.1
    fit = fit_t2star(image.signal, image.echo_times_ms, sigma=sigma, acceptance=ACCEPT)
    row = roi_measures(mask, fit, Geometry.of(image.affine))
    assert abs(row["t2star_median_ms"] / 12.0 - 1) < 0.02
    area = np.pi * phantom.width_mm / 2 * phantom.thickness_mm / 2
    assert abs(row["csa_max_mm2"] / area - 1) < 0.05
    assert abs(row["thickness_max_mm"] - phantom.thickness_mm) <= phantom.pixel_mm
    assert row["slices_used"] == phantom.slices and row["qc_reason"] == ""


def test_a_mask_in_another_geometry_is_resampled_onto_the_image(scanner_series, tmp_path):
    import nrrd

    phantom, folder = scanner_series
    image = mri.read_series(mri.scan_files(folder), folder, "P1")
    mask = phantom.tendon_mask()
    # as 3D Slicer saves it: LPS space, the volume flipped along x
    lps = mri.LPS_TO_RAS @ image.affine
    flipped = mask[::-1]
    directions = lps[:3, :3].copy()
    directions[:, 0] *= -1
    origin = lps[:3, 3] + lps[:3, 0] * (mask.shape[0] - 1)
    path = tmp_path / "tendon_mask.nrrd"
    nrrd.write(
        str(path),
        flipped.astype(np.uint8),
        {"space": "left-posterior-superior", "space directions": directions.T, "space origin": origin},
    )
    labels, affine = mri.read_mask(path, tmp_path, "P1")
    np.testing.assert_array_equal(mri.mask_on_image(labels, affine, image, "mri-1", "P1"), mask)


def test_an_enhanced_mr_object_reads_as_the_classic_series_of_the_same_frames(scanner_series, tmp_path):
    phantom, folder = scanner_series
    classic = mri.read_series(mri.scan_files(folder), folder, "P1")
    magnitudes = phantom.magnitudes(np.random.default_rng(7))
    write_enhanced_series(tmp_path / "p" / "IM0001", magnitudes, phantom, Patient(), seed=7)
    enhanced = mri.read_series(mri.scan_files(tmp_path / "p"), tmp_path / "p", "P1")
    np.testing.assert_array_equal(enhanced.signal, classic.signal)
    np.testing.assert_array_equal(enhanced.echo_times_ms, classic.echo_times_ms)
    np.testing.assert_allclose(enhanced.affine, classic.affine)


def philips_enhanced(folder, echo_times):
    """nibabel's own Philips Enhanced MR test object (176 frames, one echo), written once per echo time."""
    import gzip
    import io

    from nibabel.nicom import tests as nicom_tests

    with gzip.open(Path(nicom_tests.__file__).parent / "data" / "philips_mprage.dcm.gz") as file:
        raw = file.read()
    folder.mkdir(parents=True, exist_ok=True)
    for e, te in enumerate(echo_times):
        ds = pydicom.dcmread(io.BytesIO(raw))
        for frame in ds.PerFrameFunctionalGroupsSequence:
            frame.MREchoSequence[0].EffectiveEchoTime = te
        ds.save_as(folder / f"echo{e}")
    return pydicom.dcmread(io.BytesIO(raw))


@pytest.mark.slow  # 352 frames of 256 x 256
def test_a_philips_enhanced_mr_reads_with_the_geometry_and_pixels_nibabel_reports(tmp_path):
    from nibabel.nicom import dicomwrappers

    original = philips_enhanced(tmp_path / "p", [3.5, 7.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nibabel calls its DICOM readers experimental
        wrapper = dicomwrappers.wrapper_from_data(original)
        theirs, pixels = wrapper.affine, wrapper.get_data()  # voxel (row, column, slice) -> LPS
    image = mri.read_series(mri.scan_files(tmp_path / "p"), tmp_path / "p", "P1")
    assert image.signal.shape == (*pixels.shape[:3], 2)
    # nibabel keeps the file's frame order, which here descends along the slice normal; ours ascends
    flipped = theirs.copy()
    flipped[:3, 2] *= -1
    flipped[:3, 3] = theirs[:3, 3] + theirs[:3, 2] * (pixels.shape[2] - 1)
    lps = mri.LPS_TO_RAS @ image.affine  # our voxel axes are (column, row): swap to nibabel's order
    np.testing.assert_allclose(lps[:3, [1, 0, 2]], flipped[:3, :3], atol=1e-4)
    np.testing.assert_allclose(lps[:3, 3], flipped[:3, 3], atol=0.01)  # mm: nibabel averages the spacing
    np.testing.assert_allclose(image.signal[..., 0].transpose(1, 0, 2), pixels[:, :, ::-1], rtol=1e-6)


def test_a_dicom_seg_is_the_mask_whatever_its_name_and_must_be_the_same_patients(scanner_series, tmp_path):
    phantom, folder = scanner_series
    participant = tmp_path / "p"
    shutil.copytree(folder, participant)
    sources = sorted(participant.iterdir())
    seg = write_dicom_seg(participant / "1.2.826.0.1.3680043.2.1143.7", sources, phantom.tendon_mask(), seed=7)
    files = mri.scan_files(participant)
    assert files.masks == []  # no file is named as a mask: the SEG is told by its SOP class
    scan = mri.read_scan(files, participant, "P1")
    np.testing.assert_array_equal(scan.mask, phantom.tendon_mask())
    assert scan.mask_label == mri.label_of(seg, participant)
    other = pydicom.dcmread(seg)
    other.PatientID = "PLANTED-OTHER"
    other.save_as(seg)
    with pytest.raises(InputError, match="more than one patient") as caught:
        mri.read_scan(mri.scan_files(participant), participant, "P1")
    assert "PLANTED" not in str(caught.value)
    seg.unlink()
    with pytest.raises(InputError, match="no tendon mask"):
        mri.read_scan(mri.scan_files(participant), participant, "P1")


def test_an_enhanced_mr_without_echo_times_is_named(scanner_series, tmp_path):
    phantom, _ = scanner_series
    path = write_enhanced_series(
        tmp_path / "p" / "IM0001", phantom.magnitudes(np.random.default_rng(1)), phantom, Patient(), 1
    )
    ds = pydicom.dcmread(path)
    del ds.PerFrameFunctionalGroupsSequence[2].MREchoSequence
    ds.save_as(path)
    with pytest.raises(InputError, match="Enhanced MR frame without MREchoSequence") as caught:
        mri.read_series(mri.scan_files(tmp_path / "p"), tmp_path / "p", "P1")
    assert "mri-1" in str(caught.value) and "IM0001" not in str(caught.value)


def test_bad_series_are_named_by_label_never_by_their_values(tmp_path):
    source = get_testdata_file("MR_small.dcm")
    cases = {
        "single": (echoes_from(source, tmp_path / "single", [3.0]), "a single echo"),
        "patients": (
            echoes_from(source, tmp_path / "patients", [3.0, 6.0], ["PLANTED-A", "PLANTED-B"]),
            "more than one patient",
        ),
    }
    mixed = echoes_from(source, tmp_path / "mixed", [3.0, 6.0])
    ds = pydicom.dcmread(mixed[1])
    ds.PixelSpacing = [0.9, 0.9]
    ds.save_as(mixed[1])
    cases["mixed"] = (mixed, "mixed geometry")
    for name, (files, reason) in cases.items():
        with pytest.raises(InputError, match=reason) as caught:
            mri.read_dicom_series(files, tmp_path / name, "P1")
        message = str(caught.value)
        assert "PLANTED" not in message and "echo0" not in message and "mri-" in message, message
        assert "P1" in message


def test_a_compressed_series_decodes_where_a_decoder_is_installed_and_is_said_where_none_is(tmp_path):
    """JPEG-LS decodes through pyjpegls (which highdicom brings), to the uncompressed file's pixels; 12-bit
    JPEG Extended needs pylibjpeg-libjpeg or GDCM, which runrisk does not install."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        files = echoes_from(get_testdata_file("MR_small_jpeg_ls_lossless.dcm"), tmp_path / "ls", [3.0, 6.0])
        image = mri.read_dicom_series(files, tmp_path / "ls", "P1")
        plain = pydicom.dcmread(get_testdata_file("MR_small.dcm")).pixel_array.T.astype(float)
        np.testing.assert_array_equal(image.signal[:, :, 0, 0], plain)
        folder = tmp_path / "jpeg12"
        files = echoes_from(get_testdata_file("JPEG-lossy.dcm"), folder, [3.0, 6.0])  # 12-bit JPEG Extended
        for path in files:
            ds = pydicom.dcmread(path)
            ds.ImageOrientationPatient, ds.ImagePositionPatient = [1, 0, 0, 0, 1, 0], [0, 0, 0]
            ds.SOPClassUID, ds.Modality = mri.MR_IMAGE_STORAGE, "MR"  # a nuclear medicine capture made an MR image
            ds.PixelSpacing = [0.5, 0.5]
            ds.save_as(path)
        with pytest.raises(InputError, match=r"pixels in JPEG Extended .* cannot be decoded here"):
            mri.read_dicom_series(files, folder, "P1")


def test_nifti_without_echo_times_and_masks_off_the_image_are_named(tmp_path, scanner_series):
    import nibabel

    folder = tmp_path / "p"
    folder.mkdir()
    nibabel.save(nibabel.Nifti1Image(np.ones((4, 4, 2, 3), np.float32), np.eye(4)), folder / "me.nii.gz")
    with pytest.raises(InputError, match="no JSON sidecar with EchoTime"):
        mri.read_series(mri.scan_files(folder), folder, "P1")
    phantom, series_folder = scanner_series
    image = mri.read_series(mri.scan_files(series_folder), series_folder, "P1")
    far = np.eye(4)
    far[:3, 3] = 1e4
    with pytest.raises(InputError, match="outside the image"):
        mri.mask_on_image(np.ones((4, 4, 2), bool), far, image, "mri-9", "P1")
    empty = roi_measures(np.zeros(phantom.tendon_mask().shape, bool), None, Geometry.of(image.affine))
    assert empty["qc_reason"] == "the ROI mask is empty"


def test_the_synthetic_world_scans_a_share_and_moves_no_other_draw(tmp_path):
    """simulate.mri draws from its own stream: with or without scans, every other truth is the same; a
    scanned participant's files read back to its true T2* and thickness, runners' tendons by their km."""
    from dataclasses import replace

    from workflow_runner import simulation

    from runrisk.simulate import cohort
    from runrisk.simulate.mri_writer import write_participant_mri
    from runrisk.tendon.study import participant_tendon

    world = simulation(n_participants=200, seed=11)
    scanned, _ = cohort.simulate_people(world, range(200))
    unscanned, _ = cohort.simulate_people(replace(world, mri=replace(world.mri, fraction=0.0)), range(200))
    tendon = ["has_mri", "true_t2star_ms", "true_thickness_mm"]
    pd.testing.assert_frame_equal(scanned.drop(columns=tendon), unscanned.drop(columns=tendon))
    assert 0.25 < scanned["has_mri"].mean() < 0.5 and not unscanned["has_mri"].any()
    heavy = scanned["true_t2star_ms"][scanned["runner"]].mean()
    assert heavy < world.mri.t2star_ms + 1  # runners' tendons follow their km (-0.3 ms per 12.5 km/week)
    person = {"raw_id": "4H00001", **scanned[scanned["has_mri"]].iloc[0].to_dict()}
    settings = TendonSettings.from_config(schema_defaults()["tendon"])
    rows = {}
    for scanner, share in (("classic", 0.0), ("enhanced", 1.0)):  # a file per slice and echo, or one object
        raw = tmp_path / scanner
        files = write_participant_mri(person, raw / "mri" / "4H00001", replace(world.mri, enhanced_fraction=share), 11)
        assert len(files) == (3 * 6 + 1 if scanner == "classic" else 2)
        rows[scanner] = participant_tendon(raw, "4H00001", settings)[0]
    named = [p.name for p in (tmp_path / "enhanced" / "mri" / "4H00001").iterdir() if p.suffix != ".nii"]
    assert named[0].startswith("1.2.") and mri.is_dicom(tmp_path / "enhanced" / "mri" / "4H00001" / named[0])
    assert rows["classic"] == rows["enhanced"]  # the scanner moves no pixel
    row = rows["classic"]
    assert abs(row["t2star_median_ms"] / person["true_t2star_ms"] - 1) < 0.05
    assert abs(row["thickness_max_mm"] - person["true_thickness_mm"]) <= 0.5 + 1e-9


def test_the_manifest_names_mri_files_by_their_labels_never_their_own_names(tmp_path):
    from runrisk.report.provenance import raw_inputs

    folder = tmp_path / "raw" / "mri" / "4H00001"
    folder.mkdir(parents=True)
    for name in ("DOE^JANE_0001.dcm", "DOE^JANE_0002.dcm", "ACC12345_mask.nii"):
        (folder / name).write_bytes(b"x")
    names = raw_inputs(tmp_path / "raw", tmp_path)
    assert sorted(names) == [f"raw/mri/4H00001/mri-{k}" for k in (1, 2, 3)]
    assert all(mri.label_of(path, folder) == name.rsplit("/", 1)[1] for name, path in names.items())


# DICOM PS3.15 Annex E, Table E.1-1: attributes the Basic Application Level Confidentiality Profile removes
# or replaces, of those an MR series carries (PatientID is compared between files, never kept)
BASIC_PROFILE = {
    "AccessionNumber",
    "AcquisitionDate",
    "AcquisitionTime",
    "ContentDate",
    "ContentTime",
    "DeviceSerialNumber",
    "FrameOfReferenceUID",
    "InstitutionAddress",
    "InstitutionName",
    "OperatorsName",
    "OtherPatientIDs",
    "PatientAddress",
    "PatientAge",
    "PatientBirthDate",
    "PatientName",
    "PatientSex",
    "PatientWeight",
    "PerformingPhysicianName",
    "ReferringPhysicianName",
    "SeriesDate",
    "SeriesDescription",
    "SeriesInstanceUID",
    "SeriesTime",
    "SOPInstanceUID",
    "StationName",
    "StudyDate",
    "StudyDescription",
    "StudyID",
    "StudyInstanceUID",
    "StudyTime",
}


def test_the_image_readers_touch_no_attribute_the_basic_confidentiality_profile_removes(
    scanner_series, tmp_path, monkeypatch
):
    """Every attribute the readers look up in a header is recorded: of the Basic Profile's, only
    PatientID (compared between files), in classic and Enhanced MR series alike."""
    read: set[str] = set()
    original = pydicom.dcmread

    def recording(*args, **kwargs):
        ds = original(*args, **kwargs)

        class Recorded(type(ds)):
            def __getattr__(self, name):
                read.add(name)
                return super().__getattr__(name)

            def get(self, key, default=None):
                read.add(str(key))
                return super().get(key, default)

        ds.__class__ = Recorded
        return ds

    monkeypatch.setattr(pydicom, "dcmread", recording)
    phantom, folder = scanner_series
    mri.read_series(mri.scan_files(folder), folder, "P1")
    write_enhanced_series(tmp_path / "e" / "IM1", phantom.magnitudes(np.random.default_rng(1)), phantom, Patient(), 1)
    mri.read_series(mri.scan_files(tmp_path / "e"), tmp_path / "e", "P1")
    assert {"EchoTime", "ImagePositionPatient", "PerFrameFunctionalGroupsSequence"} <= read  # it records
    assert read & BASIC_PROFILE == set(), read & BASIC_PROFILE
    assert "PatientID" in read
    assert recording(sorted(folder.iterdir())[0]).StudyDate and "StudyDate" in read  # a read would be seen


def test_nan_or_negative_signal_in_the_roi_is_named_by_the_series_label_before_any_fit(tmp_path):
    """A processed NIfTI (NaN where a pipeline masked, negatives where it subtracted) is no magnitude
    series: refused with the count of ROI voxels and the series' label, never measured."""
    import nibabel

    from runrisk.simulate.mri_writer import dicom_affine_ras
    from runrisk.tendon.study import participant_tendon

    phantom = Phantom(t2star_ms=10.0, snr=40.0)
    settings = TendonSettings.from_config(schema_defaults()["tendon"])
    magnitudes = phantom.magnitudes(np.random.default_rng(5)).astype(np.float32)
    mask = phantom.tendon_mask()
    for name, damage in {"nan": np.nan, "negative": -1.0}.items():
        folder = tmp_path / "mri" / name
        folder.mkdir(parents=True)
        damaged = magnitudes.copy()
        damaged[(*np.argwhere(mask)[:3].T, [7, 7, 7])] = damage  # three ROI voxels, last echo
        nibabel.save(nibabel.Nifti1Image(damaged, dicom_affine_ras(phantom)), folder / "series.nii.gz")
        (folder / "series.json").write_text(json.dumps({"EchoTime": [t / 1000 for t in phantom.echo_times_ms]}))
        nibabel.save(nibabel.Nifti1Image(mask.astype(np.uint8), dicom_affine_ras(phantom)), folder / "roi.nii.gz")
        with pytest.raises(InputError, match=rf"3 of {mask.sum()} ROI voxels have a NaN or negative") as caught:
            participant_tendon(tmp_path, name, settings)
        assert "mri-3" in str(caught.value) and "series" not in str(caught.value).split(":")[0]


def test_a_folder_with_a_localizer_and_other_series_measures_its_multi_echo_series(tmp_path):
    """As a department exports a study: a localizer (one echo, another geometry), a T1 (one echo) and the
    multi-echo series, told apart by SeriesNumber; two multi-echo series need tendon.series_number."""

    def numbered(paths: list[Path], number: int) -> None:
        for path in paths:
            ds = pydicom.dcmread(path)
            ds.SeriesNumber = number
            ds.save_as(path)

    folder = tmp_path / "P1"
    phantom, other = Phantom(t2star_ms=12.0, snr=60.0), Phantom(t2star_ms=25.0, snr=60.0)
    numbered(write_dicom_series(folder / "s5", phantom.magnitudes(np.random.default_rng(1)), phantom, Patient(), 1), 5)
    localizer = Phantom(matrix=32, slices=3, pixel_mm=1.2, echo_times_ms=(4.0,))
    numbered(
        write_dicom_series(folder / "s1", localizer.magnitudes(np.random.default_rng(2)), localizer, Patient(), 2), 1
    )
    t1 = Phantom(echo_times_ms=(9.0,))
    numbered(write_dicom_series(folder / "s2", t1.magnitudes(np.random.default_rng(3)), t1, Patient(), 3), 2)
    image = mri.read_series(mri.scan_files(folder), folder, "P1")
    assert image.signal.shape == (phantom.matrix, phantom.matrix, phantom.slices, len(phantom.echo_times_ms))
    fit = fit_t2star(image.signal[phantom.tendon_mask()], image.echo_times_ms, "loglinear", acceptance=ACCEPT)
    assert np.median(fit.t2star_ms[fit.fitted]) == pytest.approx(12.0, rel=0.03)
    numbered(write_dicom_series(folder / "s7", other.magnitudes(np.random.default_rng(4)), other, Patient(), 4), 7)
    with pytest.raises(InputError, match=r"2 multi-echo series \(numbers 5, 7\): set tendon.series_number"):
        mri.read_series(mri.scan_files(folder), folder, "P1")
    chosen = mri.read_series(mri.scan_files(folder), folder, "P1", series_number=7)
    fit = fit_t2star(chosen.signal[other.tendon_mask()], chosen.echo_times_ms, "loglinear", acceptance=ACCEPT)
    assert np.median(fit.t2star_ms[fit.fitted]) == pytest.approx(25.0, rel=0.03)
    with pytest.raises(InputError, match=r"no series number 3 \(tendon.series_number\) among 1, 2, 5, 7"):
        mri.read_series(mri.scan_files(folder), folder, "P1", series_number=3)
    shutil.rmtree(folder / "s5")
    shutil.rmtree(folder / "s7")
    with pytest.raises(InputError, match=r"none of the folder's 2 series \(1, 2\) has more than one echo time"):
        mri.read_series(mri.scan_files(folder), folder, "P1")
