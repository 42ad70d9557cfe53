"""A synthetic tendon's multi-echo gradient-echo series written as a scanner writes it: classic MR Image
Storage DICOM, one file per slice and echo, with the patient fields a real header carries (name, id,
birth date, institution, accession number), so the readers' privacy is tested on what departments send.

The phantom: an elliptical tendon of given thickness (antero-posterior) and width in a field of view of
fat-like background, each voxel decaying as S0 exp(-TE / T2*), Rician noise of a given SNR, air corners.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4"
AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)  # rows along patient x (L), columns along y (P): LPS axial


@dataclass(frozen=True)
class Phantom:
    t2star_ms: float = 10.0
    thickness_mm: float = 6.0  # antero-posterior
    width_mm: float = 14.0  # medio-lateral
    s0: float = 1000.0
    snr: float = 50.0  # S0 over the noise SD per channel
    matrix: int = 48
    pixel_mm: float = 0.5
    slices: int = 4
    slice_mm: float = 3.0
    echo_times_ms: tuple[float, ...] = (1.5, 3.5, 5.5, 7.5, 9.5, 11.5, 13.5, 15.5)

    def tendon_mask(self) -> np.ndarray:
        """(x, y, slice) bool: the ellipse in every slice, x medio-lateral, y antero-posterior."""
        centre = (self.matrix - 1) / 2
        i, j = np.meshgrid(np.arange(self.matrix), np.arange(self.matrix), indexing="ij")
        ellipse = ((i - centre) * self.pixel_mm / (self.width_mm / 2)) ** 2 + (
            (j - centre) * self.pixel_mm / (self.thickness_mm / 2)
        ) ** 2 <= 1
        return np.repeat(ellipse[:, :, None], self.slices, axis=2)

    def magnitudes(self, rng: np.random.Generator) -> np.ndarray:
        """(x, y, slice, echo) magnitudes: tendon T2*, background 35 ms at half the signal, air corners."""
        te = np.asarray(self.echo_times_ms)
        mask = self.tendon_mask()
        background = np.ones_like(mask, dtype=bool)
        corner = max(self.matrix // 6, 6)  # air at least as wide as the corner patches io.mri.corner_sigma reads
        for xs in (slice(0, corner), slice(-corner, None)):
            for ys in (slice(0, corner), slice(-corner, None)):
                background[xs, ys, :] = False
        clean = np.where(mask[..., None], self.s0 * np.exp(-te / self.t2star_ms), 0.0)
        clean += np.where((background & ~mask)[..., None], 0.5 * self.s0 * np.exp(-te / 35.0), 0.0)
        sigma = self.s0 / self.snr
        noise = rng.normal(0, sigma, clean.shape) + 1j * rng.normal(0, sigma, clean.shape)
        return np.abs(clean + noise)


@dataclass(frozen=True)
class Patient:
    """What a header says about its patient: planted in synthetic files so tests can look for it."""

    name: str = "Planted^Jane"
    patient_id: str = "PLANTED-ID-0042"
    birth_date: str = "19800101"
    institution: str = "Planted Hospital"
    accession: str = "ACC-PLANTED-7"
    sex: str = "F"
    physician: str = "Planted^Doctor"


MAGNITUDE = ("ORIGINAL", "PRIMARY", "M", "ND")  # ImageType as Siemens writes it; a phase image has P for M


def write_dicom_series(
    folder: Path,
    magnitudes: np.ndarray,
    phantom: Phantom,
    patient: Patient,
    seed: int,
    scale: float = 4.0,
    image_type: tuple[str, ...] = MAGNITUDE,
    prefix: str = "IM",
) -> list[Path]:
    """One file per slice and echo (<prefix>_<echo>_<slice>.dcm); pixels stored as uint16 with RescaleSlope.
    One dataset is filled once and only what differs between files is set before each is written (building
    a dataset per file cost twice the writing)."""
    import pydicom
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    folder.mkdir(parents=True, exist_ok=True)
    study, series, frame_of_reference = (generate_uid(entropy_srcs=[str(seed), k]) for k in ("study", "series", "for"))
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MR_IMAGE_STORAGE
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = pydicom.Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = MR_IMAGE_STORAGE
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame_of_reference
    ds.Modality, ds.SeriesDescription = "MR", "t2star_me_gre right achilles"
    ds.ImageType = list(image_type)
    _patient_fields(ds, patient)
    ds.ImageOrientationPatient = list(AXIAL)
    ds.PixelSpacing = [phantom.pixel_mm, phantom.pixel_mm]
    ds.SliceThickness = phantom.slice_mm
    ds.Rows = ds.Columns = phantom.matrix
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.RescaleSlope, ds.RescaleIntercept = 1 / scale, 0
    stored = np.clip(np.rint(magnitudes * scale), 0, 65535).astype("<u2")
    written = []
    for e, te in enumerate(phantom.echo_times_ms):
        for k in range(phantom.slices):
            meta.MediaStorageSOPInstanceUID = generate_uid(
                entropy_srcs=[str(seed), str(e), str(k), *([prefix] if prefix != "IM" else [])]
            )
            ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
            ds.EchoTime, ds.EchoNumbers = float(te), e + 1
            ds.ImagePositionPatient = [0.0, 0.0, float(k * phantom.slice_mm)]
            ds.InstanceNumber = e * phantom.slices + k + 1
            ds.PixelData = np.ascontiguousarray(stored[:, :, k, e].T).tobytes()  # rows are y
            path = folder / f"{prefix}_{e + 1:02d}_{k + 1:03d}.dcm"
            ds.save_as(path, enforce_file_format=True)
            written.append(path)
    return written


ENHANCED_MR_STORAGE = "1.2.840.10008.5.1.4.1.1.4.1"


def _patient_fields(ds, patient: Patient) -> None:
    """The patient and study module's fields (PS3.3 C.7.1.1, C.7.2.1), as a department's header has them."""
    ds.PatientName, ds.PatientID, ds.PatientBirthDate = patient.name, patient.patient_id, patient.birth_date
    ds.PatientSex, ds.ReferringPhysicianName = patient.sex, patient.physician
    ds.InstitutionName, ds.AccessionNumber = patient.institution, patient.accession
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.SeriesNumber = "20190107", "090000", "1", 1


def write_enhanced_series(
    path: Path, magnitudes: np.ndarray, phantom: Phantom, patient: Patient, seed: int, scale: float = 4.0
) -> Path:
    """The same series as one Enhanced MR Image object (as newer Siemens and Philips scanners send it):
    a frame per slice and echo, each with its plane position and effective echo time; orientation, pixel
    spacing and rescale shared."""
    import pydicom
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.sequence import Sequence
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    def item(**values) -> Dataset:
        element = Dataset()
        for keyword, value in values.items():
            setattr(element, keyword, value)
        return element

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ENHANCED_MR_STORAGE
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[str(seed), "enhanced"])
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = pydicom.Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = ENHANCED_MR_STORAGE, meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = (generate_uid(entropy_srcs=[str(seed), k]) for k in ("study", "series"))
    ds.Modality, ds.SeriesDescription = "MR", "t2star_me_gre right achilles"
    ds.ComplexImageComponent = "MAGNITUDE"  # PS3.3 C.8.13.3, type 1 in every Enhanced MR image
    _patient_fields(ds, patient)
    ds.Rows = ds.Columns = phantom.matrix
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.SharedFunctionalGroupsSequence = Sequence(
        [
            item(
                PlaneOrientationSequence=Sequence([item(ImageOrientationPatient=list(AXIAL))]),
                PixelMeasuresSequence=Sequence(
                    [item(PixelSpacing=[phantom.pixel_mm] * 2, SliceThickness=phantom.slice_mm)]
                ),
                PixelValueTransformationSequence=Sequence(
                    [item(RescaleSlope=1 / scale, RescaleIntercept=0, RescaleType="US")]
                ),
            )
        ]
    )
    frames, pixels = [], []
    for e, te in enumerate(phantom.echo_times_ms):
        for k in range(phantom.slices):
            frames.append(
                item(
                    MREchoSequence=Sequence([item(EffectiveEchoTime=float(te))]),
                    PlanePositionSequence=Sequence(
                        [item(ImagePositionPatient=[0.0, 0.0, float(k * phantom.slice_mm)])]
                    ),
                    FrameContentSequence=Sequence([item(DimensionIndexValues=[e + 1, k + 1])]),
                )
            )
            pixels.append(np.clip(np.rint(magnitudes[:, :, k, e].T * scale), 0, 65535).astype("<u2"))
    ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
    ds.NumberOfFrames = len(frames)
    ds.PixelData = np.stack(pixels).tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path


def write_dicom_seg(path: Path, source_files: list[Path], mask: np.ndarray, seed: int) -> Path:
    """The tendon mask as a binary DICOM Segmentation of the series' first-echo slices (highdicom), as a
    segmentation tool exports it; mask is (x, y, slice) in the series' slice order."""
    import highdicom
    import pydicom
    from pydicom.uid import generate_uid

    sources = [pydicom.dcmread(p) for p in source_files]
    first_echo = min(float(ds.EchoTime) for ds in sources)
    slices = sorted(
        (ds for ds in sources if float(ds.EchoTime) == first_echo), key=lambda ds: ds.ImagePositionPatient[2]
    )
    tendon = highdicom.seg.SegmentDescription(
        segment_number=1,
        segment_label="Achilles tendon",
        segmented_property_category=highdicom.sr.CodedConcept("91723000", "SCT", "Anatomical Structure"),
        segmented_property_type=highdicom.sr.CodedConcept("30608006", "SCT", "Achilles tendon"),
        algorithm_type=highdicom.seg.SegmentAlgorithmTypeValues.MANUAL,
    )
    seg = highdicom.seg.Segmentation(
        source_images=slices,
        pixel_array=mask.transpose(2, 1, 0).astype(np.uint8),  # (slice, rows=y, columns=x)
        segmentation_type=highdicom.seg.SegmentationTypeValues.BINARY,
        segment_descriptions=[tendon],
        series_instance_uid=generate_uid(entropy_srcs=[str(seed), "seg-series"]),
        series_number=100,
        sop_instance_uid=generate_uid(entropy_srcs=[str(seed), "seg"]),
        instance_number=1,
        manufacturer="runrisk synthetic",
        manufacturer_model_name="segmentation",
        software_versions="1",
        device_serial_number="0",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    seg.save_as(path)
    return path


def dicom_affine_ras(phantom: Phantom) -> np.ndarray:
    """The RAS affine of the series write_dicom_series writes (x along -R, y along -A)."""
    return np.diag([-phantom.pixel_mm, -phantom.pixel_mm, phantom.slice_mm, 1.0])


DEFAULT_ECHOES_MS = (1.5, 3.5, 5.5, 7.5, 9.5, 11.5)  # six echoes, as the T2* goal asks for at least


def write_participant_mri(person: dict, folder: Path, world, seed: int) -> list[Path]:
    """One synthetic participant's series and mask: a small field of view (20 mm, 3 slices, 6 echoes)
    around the tendon, as classic MR images or one Enhanced MR object (world.enhanced_fraction), the
    header's patient fields as a scanner fills them (synthetic values)."""
    import nibabel

    from runrisk.simulate.cohort import STREAM_MRI, participant_rng

    phantom = Phantom(
        t2star_ms=float(person["true_t2star_ms"]),
        thickness_mm=float(person["true_thickness_mm"]),
        snr=float(world.snr),
        matrix=40,
        slices=3,
        echo_times_ms=DEFAULT_ECHOES_MS,
    )
    index = int(person["index"])
    rng = participant_rng(seed, index, STREAM_MRI + 100)
    patient = Patient(
        name=f"Synthetic^Runner{index:05d}",
        patient_id=str(person["raw_id"]),
        birth_date=f"{2019 - int(person['age']):04d}0101",
        institution="Synthetic 4HAIE Imaging Centre",
        accession=f"SYN{index:07d}",
        sex=person["sex"] if person.get("sex") in ("F", "M") else "O",
        physician="Synthetic^Physician",
    )
    series_seed = seed * 100_003 + index
    # the scanner by a stream of its own: which one sends the series moves no pixel of it
    if participant_rng(seed, index, STREAM_MRI + 101).random() < world.enhanced_fraction:
        from pydicom.uid import generate_uid

        name = generate_uid(entropy_srcs=[str(series_seed), "enhanced file"])  # a PACS export names files by UID
        written = [write_enhanced_series(folder / name, phantom.magnitudes(rng), phantom, patient, series_seed)]
    else:
        written = write_dicom_series(folder, phantom.magnitudes(rng), phantom, patient, seed=series_seed)
    mask = folder / "tendon_mask.nii"  # uncompressed: gzip would stamp the time into the bytes
    nibabel.save(nibabel.Nifti1Image(phantom.tendon_mask().astype(np.uint8), dicom_affine_ras(phantom)), mask)
    return [*written, mask]
