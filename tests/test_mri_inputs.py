"""The tendon MRI readers on files as scanners, dcm2niix/BIDS and segmentation tools write them when they
are not what the measure needs: phase beside magnitude images, repeated echo times, masks that cannot be
tied to the image or cannot be a tendon, echo times in the wrong unit, a DICOMDIR, a series rotated in
plane; and every test file pydicom and nibabel ship, each read or listed with a reason in words."""

from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pydicom
import pytest
from workflow_runner import schema_defaults

from runrisk.errors import InputError
from runrisk.io import mri
from runrisk.simulate.mri_writer import Patient, Phantom, dicom_affine_ras, write_dicom_series
from runrisk.tendon.measures import Geometry, roi_measures
from runrisk.tendon.study import TendonSettings, participant_tendon

SETTINGS = TendonSettings.from_config(schema_defaults()["tendon"])
MAGNITUDE = ["ORIGINAL", "PRIMARY", "M", "ND"]
PHASE = ["ORIGINAL", "PRIMARY", "P", "ND", "PHASE"]  # as dcm2niix writes a Siemens phase image's sidecar
RAW_ERROR = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Warning)\b|Traceback")


def save_nifti(path: Path, data: np.ndarray, affine: np.ndarray, sidecar: dict | None = None) -> Path:
    import nibabel

    path.parent.mkdir(parents=True, exist_ok=True)
    nibabel.save(nibabel.Nifti1Image(np.asarray(data, np.float32), affine), path)
    if sidecar is not None:
        Path(str(path).removesuffix(".gz").removesuffix(".nii") + ".json").write_text(json.dumps(sidecar))
    return path


def save_mask(folder: Path, phantom: Phantom, mask: np.ndarray | None = None) -> Path:
    import nibabel

    mask = phantom.tendon_mask() if mask is None else mask
    path = folder / "sub-01_label-achilles_mask.nii.gz"
    nibabel.save(nibabel.Nifti1Image(mask.astype(np.uint8), dicom_affine_ras(phantom)), path)
    return path


def bids_echoes(folder: Path, phantom: Phantom, seed: int, phase: str | None = None, times=None) -> None:
    """One 3-D NIfTI per echo as dcm2niix names them in a BIDS folder (_echo-<n>_part-mag), with sidecars
    giving EchoTime in seconds and the DICOM ImageType; phase images beside them when asked (unsigned
    0-4095 as Siemens stores them, or signed -pi..pi as a converter rescales them)."""
    rng = np.random.default_rng(seed)
    magnitudes = phantom.magnitudes(rng)
    times = phantom.echo_times_ms if times is None else times
    for e, te in enumerate(times):
        name = f"sub-01_echo-{e + 1}_part-mag_MEGRE.nii.gz"
        sidecar = {"EchoTime": te / 1000, "EchoNumber": e + 1, "ImageType": MAGNITUDE}
        save_nifti(folder / name, magnitudes[..., e], dicom_affine_ras(phantom), sidecar)
        if phase:
            values = rng.uniform(0, 4095, magnitudes.shape[:3])
            values = values if phase == "unsigned" else values / 4095 * 2 * np.pi - np.pi
            name = f"sub-01_echo-{e + 1}_part-phase_MEGRE.nii.gz"
            save_nifti(folder / name, values, dicom_affine_ras(phantom), {**sidecar, "ImageType": PHASE})


def labels_in(text: str) -> set[str]:
    """The labels a text names, runs (mri-3 to mri-6) written out."""
    labels = set()
    for first, last in re.findall(r"mri-(\d+)(?: to mri-(\d+))?", text):
        labels |= {f"mri-{n}" for n in range(int(first), int(last or first) + 1)}
    return labels


# ---------------------------------------------------------------------------------- item 7: phase


@pytest.mark.parametrize("phase", ["unsigned", "signed"])
def test_phase_images_beside_magnitude_are_listed_as_not_used_and_the_magnitude_is_measured(tmp_path, phase):
    """BIDS part-mag and part-phase side by side: on main unsigned phase joined as 8 more echoes (T2* +121 %
    on the issue's files) and signed phase refused a usable participant."""
    phantom = Phantom(t2star_ms=8.0, snr=60.0)
    folder = tmp_path / "mri" / "P1"
    bids_echoes(folder, phantom, seed=1, phase=phase)
    save_mask(folder, phantom)
    (row,) = participant_tendon(tmp_path, "P1", SETTINGS)
    assert row["echoes"] == 8 and row["qc_reason"] == ""
    assert abs(row["t2star_median_ms"] / 8.0 - 1) < 0.02
    phase_labels = {mri.label_of(p, folder) for p in folder.glob("*part-phase*.nii.gz")}
    assert labels_in(row["files_not_used"]) == phase_labels and "phase" in row["files_not_used"]


def test_a_phase_image_is_told_by_its_sidecar_and_by_dicom_image_type_whatever_its_name(tmp_path):
    """dcm2niix without BIDS names (_e1, _e1_ph) and a DICOM series holding magnitude and phase frames under
    one series number, told apart by ImageType (value 3: M or P)."""
    phantom = Phantom(t2star_ms=12.0, snr=60.0)
    folder = tmp_path / "mri" / "nifti"
    bids_echoes(folder, phantom, seed=2, phase="unsigned")
    for path in sorted(folder.glob("*.nii.gz")):  # the same files under names that say nothing of the part
        echo = re.search(r"echo-(\d+)", path.name).group(1)
        stem = f"t2star_e{echo}" + ("_x" if "phase" in path.name else "")
        path.rename(folder / f"{stem}.nii.gz")
        Path(str(path).replace(".nii.gz", ".json")).rename(folder / f"{stem}.json")
    save_mask(folder, phantom)
    (row,) = participant_tendon(tmp_path, "nifti", SETTINGS)
    assert abs(row["t2star_median_ms"] / 12.0 - 1) < 0.02 and len(labels_in(row["files_not_used"])) == 8

    folder = tmp_path / "mri" / "dicom"
    rng = np.random.default_rng(3)
    write_dicom_series(folder, phantom.magnitudes(rng), phantom, Patient(), seed=3)
    phases = rng.uniform(0, 4095, (phantom.matrix, phantom.matrix, phantom.slices, len(phantom.echo_times_ms)))
    written = write_dicom_series(
        folder, phases, phantom, Patient(), 3, scale=1.0, image_type=tuple(PHASE[:4]), prefix="PH"
    )
    save_mask(folder, phantom)
    (row,) = participant_tendon(tmp_path, "dicom", SETTINGS)
    assert abs(row["t2star_median_ms"] / 12.0 - 1) < 0.02 and row["echoes"] == 8
    assert labels_in(row["files_not_used"]) == {mri.label_of(p, folder) for p in written}


def test_two_echoes_with_one_echo_time_are_refused_naming_the_files_and_the_time(tmp_path):
    """A sidecar giving echo 2 the time of echo 1 gave T2* +15 % without a word on main; DICOM with a repeated
    time was refused as 'different numbers of slices'."""
    phantom = Phantom(t2star_ms=8.7, snr=60.0)
    times = list(phantom.echo_times_ms)
    times[1] = times[0]
    folder = tmp_path / "mri" / "nifti"
    bids_echoes(folder, phantom, seed=4, times=times)
    save_mask(folder, phantom)
    with pytest.raises(InputError, match=r"echo time 1\.5 ms") as caught:
        participant_tendon(tmp_path, "nifti", SETTINGS)
    named = {mri.label_of(p, folder) for p in sorted(folder.glob("*echo-[12]_*.nii.gz"))}
    assert named <= labels_in(str(caught.value)), caught.value

    folder = tmp_path / "mri" / "dicom"
    files = write_dicom_series(folder, phantom.magnitudes(np.random.default_rng(5)), phantom, Patient(), seed=5)
    for path in files:
        if path.name.startswith("IM_02_"):
            ds = pydicom.dcmread(path)
            ds.EchoTime = 1.5
            ds.save_as(path)
    save_mask(folder, phantom)
    with pytest.raises(InputError, match=r"echo time 1\.5 ms") as caught:
        participant_tendon(tmp_path, "dicom", SETTINGS)
    assert "different numbers of slices" not in str(caught.value) and len(labels_in(str(caught.value))) >= 2


# ---------------------------------------------------------------------------------- item 8: masks


def test_a_mask_without_sform_or_qform_is_refused_never_placed_by_a_default_affine(tmp_path):
    """An 80x80x6 mask with both codes 0 was resampled through nibabel's default affine on main (T2*
    34.68 ms instead of 10.89, CSA 150 instead of 43 mm2)."""
    import nibabel

    phantom = Phantom(t2star_ms=10.9, snr=60.0)
    folder = tmp_path / "mri" / "P1"
    bids_echoes(folder, phantom, seed=6)
    mask = np.zeros((80, 80, 6), np.uint8)
    mask[30:44, 34:46, 1:5] = 1
    image = nibabel.Nifti1Image(mask, None)
    image.header.set_sform(None, code=0)
    image.header.set_qform(None, code=0)
    nibabel.save(image, folder / "tendon_mask.nii.gz")
    assert nibabel.load(folder / "tendon_mask.nii.gz").header["sform_code"] == 0
    with pytest.raises(InputError, match="sform.*qform|qform.*sform") as caught:
        participant_tendon(tmp_path, "P1", SETTINGS)
    assert mri.label_of(folder / "tendon_mask.nii.gz", folder) in str(caught.value)


def test_a_mask_far_beyond_a_tendons_size_gets_a_qc_reason_and_no_model_value(tmp_path):
    """A mask of all ones (the whole field of view) gave T2* 32.97 ms, CSA 400 mm2 and thickness 20 mm with no
    flag on main."""
    phantom = Phantom(t2star_ms=10.0, snr=60.0, matrix=40)
    folder = tmp_path / "mri" / "P1"
    bids_echoes(folder, phantom, seed=7)
    save_mask(folder, phantom, np.ones((phantom.matrix, phantom.matrix, phantom.slices), bool))
    (row,) = participant_tendon(tmp_path, "P1", SETTINGS)
    assert "tendon.plausible_csa_mm2" in row["qc_reason"], row["qc_reason"]
    for covariate in ("t2star_median_ms", "csa_max_mm2", "thickness_max_mm", "volume_mm3"):
        assert np.isnan(row[covariate]), covariate
    low, high = SETTINGS.plausible_csa_mm2
    assert low <= np.pi * 7 * 3 <= high  # the phantom's own tendon (6 x 14 mm) is plausible
    save_mask(folder, phantom)
    (good,) = participant_tendon(tmp_path, "P1", SETTINGS)
    assert good["qc_reason"] == "" and np.isfinite(good["t2star_median_ms"])


# ---------------------------------------------------------------------------------- item 9: units


@pytest.mark.parametrize(
    ("times_s", "words"),
    [
        ([2.0, 4.0, 6.0, 8.0], "seconds"),  # milliseconds written where BIDS asks for seconds
        ([2e-6, 4e-6, 6e-6, 8e-6], "seconds"),  # microseconds of a second: no scanner's echo
    ],
)
def test_sidecar_echo_times_no_scanner_can_produce_name_the_file_and_the_unit(tmp_path, times_s, words):
    """EchoTime 2.0 read as 2 s gave a NaN T2* with '0 ROI voxels fitted' on main."""
    phantom = Phantom(t2star_ms=10.0, snr=60.0, echo_times_ms=tuple(1000 * t for t in times_s))
    folder = tmp_path / "mri" / "P1"
    bids_echoes(folder, phantom, seed=8)
    save_mask(folder, phantom)
    with pytest.raises(InputError, match=words) as caught:
        participant_tendon(tmp_path, "P1", SETTINGS)
    sidecar = mri.label_of(sorted(folder.glob("*.json"))[0], folder)
    assert sidecar in str(caught.value), caught.value


@pytest.mark.parametrize("echo_times_ms", [(1.5, 3.5, 5.5, 7.5), (6.0, 12.0, 18.0, 24.0)])
def test_dicom_echo_times_in_seconds_are_refused_naming_the_unit(tmp_path, echo_times_ms):
    """Each echo time in seconds: the first below any scanner's echo, or (6 ms as 0.006) each possible alone
    but a train no scanner reads."""
    phantom = Phantom(t2star_ms=10.0, snr=60.0, echo_times_ms=echo_times_ms)
    folder = tmp_path / "mri" / "P1"
    for path in write_dicom_series(folder, phantom.magnitudes(np.random.default_rng(9)), phantom, Patient(), 9):
        ds = pydicom.dcmread(path)
        ds.EchoTime = float(ds.EchoTime) / 1000
        ds.save_as(path)
    save_mask(folder, phantom)
    with pytest.raises(InputError, match="milliseconds") as caught:
        participant_tendon(tmp_path, "P1", SETTINGS)
    assert labels_in(str(caught.value)), caught.value


# ---------------------------------------------------------------------------------- item 10: DICOMDIR


def test_a_dicomdir_is_an_index_listed_as_such_never_compared_as_a_patient(tmp_path):
    """A CD or PACS export as pydicom's FileSet writes it: DICOMDIR beside the series' files (renamed into
    PT*/ST*/SE*/IM*); on main its empty PatientID refused the participant as 'more than one patient'."""
    from pydicom.fileset import FileSet

    phantom = Phantom(t2star_ms=11.0, snr=60.0)
    written = write_dicom_series(
        tmp_path / "series", phantom.magnitudes(np.random.default_rng(10)), phantom, Patient(), 10
    )
    fileset = FileSet()
    for path in written:
        fileset.add(pydicom.dcmread(path))
    folder = tmp_path / "mri" / "P1"
    fileset.write(folder)
    save_mask(folder, phantom)
    assert (folder / "DICOMDIR").is_file()
    (row,) = participant_tendon(tmp_path, "P1", SETTINGS)
    assert abs(row["t2star_median_ms"] / 11.0 - 1) < 0.02
    dicomdir = mri.label_of(folder / "DICOMDIR", folder)
    assert labels_in(row["files_not_used"]) == {dicomdir} and "DICOMDIR" in row["files_not_used"]


# ---------------------------------------------------------------------------------- item 11: thickness


def rotated_series(folder: Path, degrees: float) -> Phantom:
    """A 6 x 14 mm elliptical tendon whose image grid is rotated in plane against the patient's axes: the
    tendon keeps its place in the patient, the voxels turn."""
    phantom = Phantom(t2star_ms=10.0, snr=80.0, matrix=120, pixel_mm=0.2, slices=2)
    turn = np.radians(degrees)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    affine = dicom_affine_ras(phantom)
    affine[:2, :2] = rotation @ affine[:2, :2]
    centre = (phantom.matrix - 1) / 2
    affine[:3, 3] = -affine[:3, :3] @ np.array([centre, centre, 0.0])  # voxel centre at the patient's origin
    index = np.indices((phantom.matrix, phantom.matrix)).reshape(2, -1)
    world = affine[:2, :2] @ index + affine[:2, 3:4]  # R and A of every voxel centre
    in_plane = (world[0] / 7.0) ** 2 + (world[1] / 3.0) ** 2 <= 1  # 14 mm medio-lateral, 6 mm antero-posterior
    mask = np.repeat(in_plane.reshape(phantom.matrix, phantom.matrix)[:, :, None], phantom.slices, axis=2)
    magnitudes = np.where(mask[..., None], 1.0, 0.5) * phantom.s0 * np.exp(-np.asarray(phantom.echo_times_ms) / 10.0)
    for e, te in enumerate(phantom.echo_times_ms):
        save_nifti(folder / f"t2star_e{e + 1}.nii.gz", magnitudes[..., e], affine, {"EchoTime": te / 1000})
    import nibabel

    nibabel.save(nibabel.Nifti1Image(mask.astype(np.uint8), affine), folder / "tendon_mask.nii.gz")
    return phantom


def test_thickness_is_antero_posterior_in_the_patients_frame_whatever_the_in_plane_rotation(tmp_path):
    """On main thickness ran along the in-plane voxel axis: +4 % at 20 deg and +13 % at 30 deg."""
    thickness = {}
    for degrees in (0, 20, 30, 45):
        folder = tmp_path / f"rot{degrees}"
        rotated_series(folder, degrees)
        scan = mri.read_scan(mri.scan_files(folder), folder, "P1", with_mask=True)
        thickness[degrees] = roi_measures(scan.mask, None, Geometry.of(scan.image.affine))["thickness_max_mm"]
    for value in thickness.values():
        assert abs(value / 6.0 - 1) < 0.02, thickness


# ---------------------------------------------------------------------------------- done when: test data


def shipped_test_files() -> list[Path]:
    import nibabel
    from pydicom.data import get_testdata_files

    nibabel_data = [Path(nibabel.__file__).parent / part for part in ("tests/data", "nicom/tests/data")]
    return sorted(Path(p) for p in get_testdata_files()) + sorted(
        p for folder in nibabel_data for p in folder.iterdir() if p.is_file()
    )


def test_every_test_file_pydicom_and_nibabel_ship_is_read_or_listed_with_a_reason_in_words(tmp_path):
    """Each file alone in a participant's MRI folder: measured, or listed by its label with a reason in words
    (in the refusal or the row's files_not_used), never dropped without a word, never a raw exception."""
    outcomes = {"read": 0, "listed": 0, "refused": 0}
    for n, source in enumerate(shipped_test_files()):
        folder = tmp_path / "mri" / f"P{n}"
        if source.is_dir():  # pydicom's DICOMDIR exports: a folder tree with the index at its top
            shutil.copytree(source, folder / source.name)
        else:
            folder.mkdir(parents=True)
            shutil.copyfile(source, folder / source.name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                rows = participant_tendon(tmp_path, f"P{n}", SETTINGS)
            except InputError as error:
                message = str(error)
                assert re.search(r"mri-\d", message), (source.name, message)
                assert not RAW_ERROR.search(message), (source.name, message)
                assert source.name not in message or source.name == "DICOMDIR", (source.name, message)
                outcomes["refused"] += 1
                continue
        assert rows, source.name
        listed = any(labels_in(str(row.get("files_not_used", ""))) for row in rows)
        outcomes["listed" if listed else "read"] += 1
        shutil.rmtree(folder)
    assert sum(outcomes.values()) == len(shipped_test_files()) > 250, outcomes


# ---------------------------------------------------------------------------------- next door


def test_a_sidecar_giving_a_key_twice_is_refused_never_read_as_its_last(tmp_path):
    """JSON readers keep a repeated key's last value without a word: EchoTime given twice is refused."""
    phantom = Phantom(t2star_ms=10.0, snr=60.0)
    folder = tmp_path / "mri" / "P1"
    bids_echoes(folder, phantom, seed=11)
    save_mask(folder, phantom)
    sidecar = sorted(folder.glob("*echo-2_*.json"))[0]
    sidecar.write_text('{"EchoTime": 0.0035, "EchoTime": 0.0015}')
    with pytest.raises(InputError, match="EchoTime is given twice") as caught:
        participant_tendon(tmp_path, "P1", SETTINGS)
    assert mri.label_of(sidecar, folder) in str(caught.value)


def test_nifti_in_metres_measures_as_in_millimetres(tmp_path):
    """NIfTI may give its spatial unit as metres (xyzt_units), which nibabel's affine keeps as it is: a CSA of
    4e-5 'mm2' on main. Image and mask in metres measure as the same files in millimetres."""
    import nibabel

    phantom = Phantom(t2star_ms=10.0, snr=60.0)
    rows = {}
    for unit, scale in (("mm", 1.0), ("meter", 0.001)):
        folder = tmp_path / "mri" / unit
        bids_echoes(folder, phantom, seed=12)
        save_mask(folder, phantom)
        for path in folder.glob("*.nii.gz"):
            image = nibabel.load(path)
            affine = image.affine.copy()
            affine[:3] *= scale
            resaved = nibabel.Nifti1Image(np.asarray(image.dataobj), affine)
            resaved.header.set_xyzt_units(xyz=unit)
            nibabel.save(resaved, path)
        rows[unit] = participant_tendon(tmp_path, unit, SETTINGS)[0]
    for measure in ("csa_max_mm2", "thickness_max_mm", "volume_mm3", "t2star_median_ms"):
        assert rows["meter"][measure] == pytest.approx(rows["mm"][measure], rel=1e-6), measure


@pytest.mark.parametrize(
    ("cells", "column"),
    [("0.6,61.0,9.4", "thickness_mm"), ("5.2,0.61,9.4", "csa_mm2"), ("5.2,61.0,0.0094", "t2star_ms")],
)
def test_a_radiologists_value_in_another_unit_is_refused_with_its_row(tmp_path, cells, column):
    """Thickness in cm, CSA in cm2, T2* in s: each a possible number on main, now no tendon's in its unit."""
    folder = tmp_path / "mri" / "P1"
    folder.mkdir(parents=True)
    (folder / "tendon_measurements.csv").write_text(
        f"participant,thickness_mm,csa_mm2,t2star_ms,abnormal\nP1,{cells},no\n"
    )
    with pytest.raises(InputError, match=rf"{column} .* written in another unit") as caught:
        participant_tendon(tmp_path, "P1", SETTINGS)
    assert "row 2" in str(caught.value) and "mri-1" in str(caught.value)


def test_other_dicom_objects_and_files_beside_the_series_are_listed_never_compared_as_patients(tmp_path):
    """A CT of another patient, a structured report and a readme beside the series: on main the CT's
    PatientID refused the participant and the readme vanished; now each is listed with its reason."""
    from pydicom.data import get_testdata_file

    phantom = Phantom(t2star_ms=10.0, snr=60.0)
    folder = tmp_path / "mri" / "P1"
    write_dicom_series(folder, phantom.magnitudes(np.random.default_rng(13)), phantom, Patient(), 13)
    save_mask(folder, phantom)
    shutil.copyfile(get_testdata_file("CT_small.dcm"), folder / "zz_ct.dcm")
    (folder / "zz_readme.txt").write_text("exported by the department")
    (row,) = participant_tendon(tmp_path, "P1", SETTINGS)
    listed = row["files_not_used"]
    assert f"{mri.label_of(folder / 'zz_ct.dcm', folder)}: a DICOM CT Image Storage object, not an MR image" in listed
    assert f"{mri.label_of(folder / 'zz_readme.txt', folder)}: not read here" in listed
    assert "zz_" not in listed and abs(row["t2star_median_ms"] / 10.0 - 1) < 0.02


def test_an_enhanced_mr_phase_object_is_told_by_its_complex_image_component(tmp_path):
    """Enhanced MR objects say magnitude or phase in ComplexImageComponent (PS3.3 C.8.13.3): the phase
    object beside the magnitude one is listed, its frames never taken as echoes."""
    from runrisk.simulate.mri_writer import write_enhanced_series

    phantom = Phantom(t2star_ms=9.0, snr=60.0)
    folder = tmp_path / "mri" / "P1"
    rng = np.random.default_rng(14)
    magnitude = write_enhanced_series(folder / "IM0001", phantom.magnitudes(rng), phantom, Patient(), 14)
    phases = rng.uniform(0, 4095, (phantom.matrix, phantom.matrix, phantom.slices, len(phantom.echo_times_ms)))
    phase = write_enhanced_series(folder / "IM0002", phases, phantom, Patient(), 15, scale=1.0)
    for path, component in ((magnitude, "MAGNITUDE"), (phase, "PHASE")):
        ds = pydicom.dcmread(path)
        ds.ComplexImageComponent = component
        ds.save_as(path)
    save_mask(folder, phantom)
    (row,) = participant_tendon(tmp_path, "P1", SETTINGS)
    assert abs(row["t2star_median_ms"] / 9.0 - 1) < 0.02 and row["echoes"] == len(phantom.echo_times_ms)
    reason = "phase images (DICOM ComplexImageComponent): T2* is measured on magnitude images only"
    assert row["files_not_used"] == f"{mri.label_of(phase, folder)}: {reason}"
