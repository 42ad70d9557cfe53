"""The baseline MRI of the Achilles tendon: T2* relaxation mapped from a multi-echo gradient-echo series
(`t2star`), and the region of interest's measures (`measures`): T2* median and IQR over fitted voxels,
cross-sectional area per slice, antero-posterior thickness, volume."""
