"""Contact PPG traces (`workstation analyze ppg`) and HRV that stands above timing jitter."""

import json

import numpy as np
import pytest
from helpers import shared

from workstation.cli import main
from workstation.errors import InvalidRecording
from workstation.rppg.contact_ppg import analyze_ppg, read_ppg_csv
from workstation.rppg.pipeline import vitals_from_trace
from workstation.rppg.synthetic import PBV, pulse_wave


def beat_times(seconds, mean_rr=0.85, rmssd=0.045, seed=0):
    """Beat times whose intervals alternate around the mean (RMSSD about ``rmssd``)."""
    rng = np.random.default_rng(seed)
    n = int(seconds / mean_rr) + 2
    rr = mean_rr + 0.03 * np.sin(np.arange(n) * 2 * np.pi / 12)
    rr += rng.normal(0, rmssd / np.sqrt(2), n)
    return np.cumsum(rr), rr


def finger_ppg(times, beats):
    """Light through a fingertip: each beat a sharp systolic dip plus a dicrotic one."""
    wave = np.zeros_like(times)
    for b in beats:
        wave += np.exp(-0.5 * ((times - b) / 0.08) ** 2)
        wave += 0.35 * np.exp(-0.5 * ((times - b - 0.32) / 0.1) ** 2)
    return 250.0 - 3.0 * wave


def write_csv(path, seconds=90, seed=0, columns="RGB"):
    rng = np.random.default_rng(seed)
    stamps = np.cumsum(rng.uniform(0.023, 0.043, int(seconds * 30)))  # a phone's jittery clock
    beats, rr = beat_times(seconds + 2, seed=seed)
    red = finger_ppg(stamps, beats) + rng.normal(0, 0.02, stamps.size)
    with path.open("w") as file:
        if columns == "RGB":
            file.write("time,R,G,B\n")
            for t, r in zip(stamps, red, strict=True):
                file.write(
                    f"{t * 1000:.0f},{r:.3f},0.0,{rng.choice([0.011, 0.012, 0.013, 0.014]):.3f}\n"
                )
        else:
            file.write("time_s,ppg\n")
            for t, r in zip(stamps, red, strict=True):
                file.write(f"{t:.4f},{r:.3f}\n")
    inside = beats[(beats > stamps[0]) & (beats < stamps[-1])]
    true_rr = np.diff(inside)
    return path, 60.0 / true_rr.mean(), 1000 * np.sqrt(np.mean(np.diff(true_rr) ** 2))


def test_finger_trace_gives_rate_and_hrv_on_the_red_channel(tmp_path):
    path, hr, rmssd = write_csv(tmp_path / "PPG.csv")
    result = analyze_ppg(path)
    assert result.status == "ok", result.message
    assert result.channel == "R"
    assert result.channels_excluded["G"] == "all zero"
    assert "clipped at its floor" in result.channels_excluded["B"]
    assert result.heart_rate_bpm == pytest.approx(hr, abs=2.0)
    assert result.hrv.status == "ok", result.hrv.message
    assert result.hrv.rmssd_ms == pytest.approx(rmssd, abs=10.0)
    assert result.hrv.jitter_floor_ms < result.hrv.rmssd_ms / 2
    assert "RMSSD" in {i.name for i in result.indicators}


def test_single_channel_trace_in_seconds(tmp_path):
    path, hr, _ = write_csv(tmp_path / "oximeter.csv", seed=4, columns="one")
    trace = read_ppg_csv(path)
    assert list(trace.channels) == ["ppg"]
    assert trace.times_s[-1] == pytest.approx(90, abs=2)
    assert analyze_ppg(path).heart_rate_bpm == pytest.approx(hr, abs=2.0)


def test_cli_analyze_ppg(tmp_path, capsys):
    path, hr, _ = write_csv(tmp_path / "PPG.csv", seed=2)
    out = tmp_path / "ppg.json"
    assert main(["analyze", "ppg", str(path), "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["channel"] == "R" and result["method"] == "contact"
    assert result["heart_rate_bpm"] == pytest.approx(hr, abs=2.0)
    assert json.loads(capsys.readouterr().out) == result


@pytest.mark.parametrize(
    "text, words",
    [
        ("a,b\n1,2\n3,4\n5,6\n", "no time column"),
        ("time,R\n0,1\n40,x\n80,3\n", "not numbers"),
        ("time,R\n0,1\n40,2\n20,3\n", "does not increase"),
        ("time,R,G\n" + "".join(f"{i * 33},0,0\n" for i in range(600)), "no channel carries"),
    ],
)
def test_unreadable_traces_are_clear_errors(tmp_path, capsys, text, words):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    assert main(["analyze", "ppg", str(path)]) == 2
    assert words in capsys.readouterr().err
    with pytest.raises(InvalidRecording):
        analyze_ppg(path)


def test_metronome_through_the_camera_path_reports_no_variability():
    """A perfectly regular pulse under camera noise: RMSSD is withheld or near zero."""
    fps, seconds = 30.0, 90
    rng = np.random.default_rng(5)
    t = np.arange(int(fps * seconds)) / fps
    skin = np.array([180.0, 120.0, 95.0])
    rgb = skin * (1 + 0.004 * pulse_wave(t, 66)[:, None] * PBV[::-1]) + rng.normal(
        0, 0.08, (t.size, 3)
    )
    base = {"method": "pos", "roi": "face", "frames": t.size, "fps": fps, "dropped_frames": 0}
    result = vitals_from_trace(rgb, fps, "pos", base)
    assert result.heart_rate_bpm == pytest.approx(66, abs=1.0)
    hrv = result.hrv
    assert hrv.status != "ok" or hrv.rmssd_ms < 5.0, hrv
    if hrv.status != "ok":
        assert hrv.message.startswith("HRV not measurable from this recording")
        assert {i.name for i in result.indicators} == {"resting heart rate"}


def test_welltory_recording_against_the_chest_strap():
    folder = shared("welltory-dev", "subject_06")
    rr = np.array([float(x) for x in (folder / "RR.txt").read_text().split()])
    result = analyze_ppg(folder / "PPG.csv")
    assert result.status == "ok"
    assert result.heart_rate_bpm == pytest.approx(60000 / rr.mean(), abs=2.0)
    if result.hrv.status == "ok":
        assert result.hrv.rmssd_ms == pytest.approx(np.sqrt(np.mean(np.diff(rr) ** 2)), abs=10)


def test_the_apps_open_trace_gives_what_the_cli_gives(tmp_path):
    from workstation.app.progress import Progress
    from workstation.app.video_runs import analyse_trace_file
    from workstation.app.video_sessions import stored_results

    path, _, _ = write_csv(tmp_path / "PPG.csv", seed=3)
    out = tmp_path / "cli.json"
    main(["analyze", "ppg", str(path), "--json", str(out)])
    steps = []
    app = analyse_trace_file(path, Progress(lambda p, m: steps.append(p)))
    gui = json.loads(json.dumps(stored_results(app)))
    cli = json.loads(out.read_text())
    assert gui.pop("source") == "PPG.csv"
    for result in (gui, cli):
        result.pop("timings")
    assert gui == cli
    assert app.rgb.shape == (app.timestamps.size, 3) and steps
