"""Speed of the whole ECG analysis of one 12-lead 10 s record, vs NeuroKit2, same run.

One thread: median wall time and median CPU time of analyze_ecg and of its signal-quality
and rhythm scan (reading excluded; explanations timed apart, they run only when asked) and
of NeuroKit2's ecg_clean + ecg_peaks + ecg_delineate over the 12 leads (dwt and
prominence). All cores: records per second with one single-threaded worker process per
core. Prints JSON.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench_common import emit

from workstation.ecg.abnormality import abnormality_model
from workstation.ecg.analysis import analyze_ecg, lead_channels
from workstation.ecg.explain import score_shapley, waveform_attribution
from workstation.ecg.preprocess import model_input
from workstation.ecg.rhythm import scan_rhythm
from workstation.ecg.segmentation import segmentation_model
from workstation.io import read_recording
from workstation.training.ludb import record_path
from workstation.training.split import load_split


def median_ms(fn, repeats: int, clock=time.perf_counter) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return round(1000 * statistics.median(times), 1)


def cpu_ms(fn, repeats: int) -> float:
    """Median CPU time of this process: on a machine shared with other jobs the wall time
    counts their turns on the cores too, the CPU time of one thread does not."""
    return median_ms(fn, repeats, time.process_time)


def neurokit_12_leads(recording, method: str) -> None:
    import neurokit2 as nk

    fs = int(recording.fs)
    for lead in recording.signals:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clean = nk.ecg_clean(lead, sampling_rate=fs)
            _, peaks = nk.ecg_peaks(clean, sampling_rate=fs)
            try:
                nk.ecg_delineate(clean, peaks, sampling_rate=fs, method=method)
            except Exception:  # noqa: BLE001 - a failed lead still cost its time
                continue


def _analyze_path(path: str) -> None:
    analyze_ecg(read_recording(Path(path)))


def records_per_second(paths: list[Path], workers: int) -> float:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_analyze_path, [str(p) for p in paths[:workers]]))
        start = time.perf_counter()
        list(pool.map(_analyze_path, [str(p) for p in paths]))
    return round(len(paths) / (time.perf_counter() - start), 1)


def main() -> None:
    os.environ["OMP_NUM_THREADS"] = "1"
    default = Path(os.environ.get("WORKSTATION_DATA", "../shared/data")) / "ludb"
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    ids = load_split()["test"]
    recording = read_recording(record_path(args.data, ids[0]))
    ours = median_ms(lambda: analyze_ecg(recording), args.repeats)
    channels = lead_channels(recording)

    def scan_once() -> None:
        scan_rhythm(
            lambda a, b: channels.read(recording, a, b),
            recording.n_samples,
            recording.fs,
            channels.names,
        )

    scan = median_ms(scan_once, args.repeats)
    ours_cpu = cpu_ms(lambda: analyze_ecg(recording), args.repeats)
    scan_cpu = cpu_ms(scan_once, args.repeats)
    leads = model_input(recording.signals, recording.fs)
    attribution = median_ms(
        lambda: waveform_attribution(segmentation_model(), leads), max(3, args.repeats // 6)
    )
    analysis = analyze_ecg(recording)
    shapley = median_ms(lambda: score_shapley(abnormality_model(), analysis.measurements), 3)
    nk_repeats = max(3, args.repeats // 6)
    dwt = median_ms(lambda: neurokit_12_leads(recording, "dwt"), nk_repeats)
    prominence = median_ms(lambda: neurokit_12_leads(recording, "prominence"), nk_repeats)
    cores = os.cpu_count() or 1
    result = {
        "benchmark": "ecg_speed",
        "record": ids[0],
        "analysis_median_ms_1_thread": ours,
        "of_which_quality_and_rhythm_scan_median_ms": scan,
        "analysis_median_cpu_ms_1_thread": ours_cpu,
        "of_which_quality_and_rhythm_scan_median_cpu_ms": scan_cpu,
        "load_average_1min": round(os.getloadavg()[0], 1),
        "waveform_attribution_median_ms_1_thread": attribution,
        "score_shapley_median_ms_1_thread": shapley,
        "neurokit2_dwt_median_ms_1_thread": dwt,
        "neurokit2_prominence_median_ms_1_thread": prominence,
        "speedup_vs_dwt": round(dwt / ours, 1),
        "speedup_vs_prominence": round(prominence / ours, 1),
        "records_per_s_all_cores": records_per_second(
            [record_path(args.data, i) for i in ids], cores
        ),
        "cores": cores,
    }
    emit(result, args.out)


if __name__ == "__main__":
    main()
