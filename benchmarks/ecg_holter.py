"""Time and peak memory of the whole ECG analysis of a 24-hour two-lead 250 Hz recording.

The recording is built from real ones: every CPSC 2021 sample record (two leads, 200 Hz,
sinus and AF) and MIT-BIH record 100 (MLII and V5, 360 Hz, 30 min), each resampled to
250 Hz and joined end to end, the whole sequence repeated until 24 h (about 1.6 h of
distinct signal). Peak memory is the process's maximum resident set size
(``resource.getrusage``), which includes the 173 MB of the recording itself; it is
printed before and after the analysis. Wall time depends on what else runs on the machine,
so the process's CPU time and the load average are printed too. Targets: <= 2 min,
<= 1 GB. Prints JSON.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import numpy as np
import wfdb
from bench_common import emit, machine

from workstation.dsp.resample import resample
from workstation.ecg.analysis import analyze_ecg
from workstation.recording import Modality, Recording

DATA = Path(
    os.environ.get("WORKSTATION_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
FS = 250.0
HOURS = 24.0


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def sources() -> list[np.ndarray]:
    """Two-lead pieces in mV at 250 Hz, float32."""
    paths = sorted((DATA / "cpsc2021-sample").glob("*.hea")) + [DATA / "wfdb-samples" / "100.hea"]
    pieces = []
    for header in paths:
        record = wfdb.rdrecord(str(header.with_suffix("")), channels=[0, 1])
        pieces.append(resample(record.p_signal.T, float(record.fs), FS).astype(np.float32))
    return pieces


def holter(hours: float) -> Recording:
    n = int(hours * 3600 * FS)
    out = np.empty((2, n), dtype=np.float32)
    pieces = sources()
    at, k = 0, 0
    while at < n:
        piece = pieces[k % len(pieces)]
        take = min(piece.shape[1], n - at)
        out[:, at : at + take] = piece[:, :take]
        at += take
        k += 1
    return Recording(
        signals=out,
        fs=FS,
        channel_names=("II", "V5"),
        units=("mV", "mV"),
        modality=Modality.ECG,
        source_name="holter-24h",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=HOURS)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    recording = holter(args.hours)
    rss_built = peak_rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    result = analyze_ecg(recording)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    summary = result.rhythm.summary
    emit(
        {
            "benchmark": "ecg_holter",
            "machine": machine(),
            "hours": args.hours,
            "leads": 2,
            "fs_hz": FS,
            "analysis_s": round(seconds, 1),
            "analysis_cpu_s": round(cpu_seconds, 1),
            "load_average_1min_at_end": round(os.getloadavg()[0], 1),
            "peak_rss_mb_after_building_recording": rss_built,
            "peak_rss_mb": peak_rss_mb(),
            "targets": {"analysis_s": 120, "peak_rss_mb": 1024},
            "beats": int(result.rhythm.beats.size),
            "analysed_s": summary.analysed_s,
            "excluded_s": summary.excluded_s,
            "af_burden_pct": summary.af_burden_pct,
            "af_episodes": summary.af_episodes,
            "pac": summary.pac_count,
            "pvc": summary.pvc_count,
            "longest_pause_s": summary.longest_pause_s,
            "no_qrs_stretches_s": [q.duration_s for q in result.rhythm.quiet_stretches],
            "fastest_bpm": summary.fastest_bpm,
            "slowest_bpm": summary.slowest_bpm,
            "form": result.form,
        },
        args.out,
    )


if __name__ == "__main__":
    main()
