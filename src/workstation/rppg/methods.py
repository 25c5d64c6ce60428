"""The published rPPG methods: RGB traces in, blood-volume pulse out.

Every method takes windows of mean skin colour, an array ``(n_windows, 3, n_frames)`` in R,
G, B order, and returns the pulse ``(n_windows, n_frames)``; all windows are processed at
once with NumPy. The formulas follow the papers (and pyVHR's implementations of them, so
the two can be compared on identical traces):

- GREEN: the green channel (Verkruysse et al., Opt. Express 2008).
- CHROM: chrominance signals 3R−2G and 1.5R+G−1.5B of the mean-normalised traces, combined
  with the ratio of their standard deviations after band-pass (de Haan & Jeanne, IEEE TBME
  2013).
- POS: projection on the plane orthogonal to the skin tone, in 1.6 s sub-windows with
  overlap-add (Wang et al., IEEE TBME 2017). POS divides by the temporal mean, so it runs
  on unfiltered traces; band-pass comes after.
- LGI: removes the dominant (illumination) direction found by SVD (Pilz et al., CVPRW 2018).
- OMIT: the same projection with the direction from a QR decomposition (Casado & López,
  Biomed. Signal Process. Control 2023).
- PCA: the principal component of the centred traces with the strongest pulse-band peak
  (Lewandowska et al., FedCSIS 2011).
- ICA: FastICA on the standardised traces, keeping the source with the strongest pulse-band
  peak (Poh et al., Opt. Express 2010). A window whose colour does not change (a frozen
  picture) has nothing to separate and gives a flat pulse instead of FastICA's NaNs.
- CONTACT: the inverted, mean-normalised light level of a finger pressed on a camera or a
  pulse oximeter's sensor, where all light crosses tissue and blood absorbs it (Jonathan &
  Leahy, Physiol. Meas. 2010); any number of channels, usually the one chosen by
  ``contact_ppg``.

The component choice of PCA and ICA uses the spectrum alone (the largest peak fraction in
the pulse band); no prior heart rate is involved.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from workstation.dsp.filters import below_nyquist, butterworth, zero_phase

#: The physiological pulse band, 39–240 bpm.
PULSE_BAND_HZ = (0.65, 4.0)
PULSE_FILTER_ORDER = 3
#: Edge padding of the pulse band-pass: about two periods of the slowest pulse.
PULSE_PAD_S = 3.0
POS_WINDOW_S = 1.6
_EPS = 1e-9


def pulse_band(x: np.ndarray, fps: float) -> np.ndarray:
    """Zero-phase Butterworth band-pass to the pulse band along the last axis."""
    sos = butterworth(
        fps, PULSE_FILTER_ORDER, PULSE_BAND_HZ[0], below_nyquist(PULSE_BAND_HZ[1], fps)
    )
    return zero_phase(sos, x, int(PULSE_PAD_S * fps))


def parabolic_offset(left: np.ndarray, mid: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Where the true peak lies between samples, in samples (−0.5…0.5), from a parabola
    through a peak and its two neighbours: finer than the spectrum's bins or the frames."""
    denom = left - 2 * mid + right
    safe = np.where(denom == 0, 1, denom)
    shift = np.where(np.abs(denom) > 1e-12, 0.5 * (left - right) / safe, 0.0)
    return np.clip(shift, -0.5, 0.5)


def _normalised(rgb: np.ndarray) -> np.ndarray:
    return rgb / (rgb.mean(axis=-1, keepdims=True) + _EPS)


def green(rgb: np.ndarray, fps: float) -> np.ndarray:
    return rgb[:, 1, :].copy()


def chrom(rgb: np.ndarray, fps: float) -> np.ndarray:
    n = _normalised(rgb)
    xs = 3.0 * n[:, 0] - 2.0 * n[:, 1]
    ys = 1.5 * n[:, 0] + n[:, 1] - 1.5 * n[:, 2]
    xf, yf = pulse_band(xs, fps), pulse_band(ys, fps)
    alpha = xf.std(axis=-1, keepdims=True) / (yf.std(axis=-1, keepdims=True) + _EPS)
    return xf - alpha * yf


def pos(rgb: np.ndarray, fps: float) -> np.ndarray:
    """POS with the paper's overlap-add of 1.6 s sub-windows, vectorised over windows."""
    n_windows, _, n_frames = rgb.shape
    length = max(2, min(n_frames, int(round(POS_WINDOW_S * fps))))
    sub = sliding_window_view(rgb, length, axis=-1)  # (W, 3, n_sub, length)
    cn = sub / (sub.mean(axis=-1, keepdims=True) + _EPS)
    s1 = cn[:, 1] - cn[:, 2]
    s2 = -2.0 * cn[:, 0] + cn[:, 1] + cn[:, 2]
    h = s1 + (s1.std(axis=-1, keepdims=True) / (s2.std(axis=-1, keepdims=True) + _EPS)) * s2
    h -= h.mean(axis=-1, keepdims=True)
    out = np.zeros((n_windows, n_frames))
    n_sub = h.shape[1]
    for k in range(length):
        out[:, k : k + n_sub] += h[:, :, k]
    return out


def _project_out(rgb: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Remove one colour direction per window and keep the green row of the result."""
    d = direction[:, :, None]
    projector = np.eye(3)[None] - d @ np.transpose(d, (0, 2, 1))
    return (projector @ rgb)[:, 1, :]


def lgi(rgb: np.ndarray, fps: float) -> np.ndarray:
    u, _, _ = np.linalg.svd(rgb, full_matrices=False)
    return _project_out(rgb, u[:, :, 0])


def omit(rgb: np.ndarray, fps: float) -> np.ndarray:
    q, _ = np.linalg.qr(rgb)
    return _project_out(rgb, q[:, :, 0])


def _strongest_pulse_component(components: np.ndarray, fps: float) -> np.ndarray:
    """Per window, the component (axis 1) whose spectrum peaks highest inside the pulse band."""
    spectrum = (
        np.abs(np.fft.rfft(components - components.mean(axis=-1, keepdims=True), axis=-1)) ** 2
    )
    freqs = np.fft.rfftfreq(components.shape[-1], 1.0 / fps)
    band = (freqs >= PULSE_BAND_HZ[0]) & (freqs <= PULSE_BAND_HZ[1])
    score = spectrum[..., band].max(axis=-1) / (spectrum[..., 1:].sum(axis=-1) + _EPS)
    best = score.argmax(axis=1)
    return components[np.arange(components.shape[0]), best]


def pca(rgb: np.ndarray, fps: float) -> np.ndarray:
    centred = rgb - rgb.mean(axis=-1, keepdims=True)
    cov = centred @ np.transpose(centred, (0, 2, 1))
    _, vectors = np.linalg.eigh(cov)
    components = np.transpose(vectors, (0, 2, 1)) @ centred
    return _strongest_pulse_component(components, fps)


def ica(rgb: np.ndarray, fps: float) -> np.ndarray:
    from sklearn.decomposition import FastICA

    spread = rgb.std(axis=-1, keepdims=True)
    z = (rgb - rgb.mean(axis=-1, keepdims=True)) / (spread + _EPS)
    # FastICA whitens by the covariance: a channel that does not vary makes it singular.
    separable = (spread[..., 0] > 1e-6 * (np.abs(rgb).mean(axis=-1) + _EPS)).all(axis=1)
    sources = np.zeros_like(z)
    for i in np.flatnonzero(separable):
        model = FastICA(
            n_components=3, whiten="unit-variance", random_state=0, max_iter=400, tol=1e-3
        )
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                sources[i] = model.fit_transform(z[i].T).T
            except (ValueError, np.linalg.LinAlgError):
                continue
    return _strongest_pulse_component(np.nan_to_num(sources), fps)


def contact(rgb: np.ndarray, fps: float) -> np.ndarray:
    return -(_normalised(rgb).mean(axis=1))


METHODS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "green": green,
    "chrom": chrom,
    "pos": pos,
    "lgi": lgi,
    "omit": omit,
    "pca": pca,
    "ica": ica,
    "contact": contact,
}


def pulse(rgb_windows: np.ndarray, fps: float, method: str = "pos") -> np.ndarray:
    """The band-passed blood-volume pulse of each window, by the named method."""
    try:
        extract = METHODS[method.lower()]
    except KeyError:
        raise ValueError(
            f"unknown rPPG method '{method}' (choose from {', '.join(METHODS)})"
        ) from None
    rgb = np.asarray(rgb_windows, dtype=np.float64)
    return pulse_band(np.nan_to_num(extract(rgb, fps), nan=0.0, posinf=0.0, neginf=0.0), fps)
