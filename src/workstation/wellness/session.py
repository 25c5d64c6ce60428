"""One wellness session: the three analysers on what was given, then the fusion.

The inputs are read and analysed in memory; what comes out (``WellnessSession``) holds only
derived numbers, which is all the vault ever stores unless raw media is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation.errors import WellnessInputRejected
from workstation.wellness.baseline import Baseline
from workstation.wellness.fusion import WellnessFusion, fuse, session_features
from workstation.wellness.observation import DISCLAIMER, ModalityResult, not_measurable


@dataclass(frozen=True)
class WellnessSession:
    """Per-modality results, their fusion, and the model that read the face."""

    modalities: dict[str, ModalityResult]
    fusion: WellnessFusion
    sources: dict[str, str]
    disclaimer: str = DISCLAIMER

    def features(self) -> dict[str, float]:
        return session_features(self.modalities)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": DISCLAIMER,
            "sources": dict(self.sources),
            "modalities": {k: v.to_json() for k, v in self.modalities.items()},
            "fusion": self.fusion.to_json(),
        }


def analyse_inputs(
    baseline: Baseline,
    video: str | Path | None = None,
    audio: str | Path | None = None,
    motion: str | Path | None = None,
) -> WellnessSession:
    """Analyse each given file; refuse when none is given or nothing is measurable.

    Without a separate audio file the voice comes from the video's audio track, when it has
    one."""
    if video is None and audio is None and motion is None:
        raise WellnessInputRejected(
            "No wellness input was given.", "Give a video, an audio or a motion file."
        )
    results: dict[str, ModalityResult] = {}
    sources: dict[str, str] = {}
    if video is not None:
        from workstation.wellness.face import analyse_video

        results["face"] = analyse_video(video)
        sources["video"] = Path(video).name
    if audio is not None:
        from workstation.wellness.voice import analyse_voice, read_audio

        results["voice"] = analyse_voice(read_audio(audio))
        sources["audio"] = Path(audio).name
    elif video is not None:
        # No separate audio: the voice from the video's own sound. A video without sound is
        # refused for the voice only, with that reason, so its face is still analysed.
        from workstation.wellness.media_audio import read_media_audio
        from workstation.wellness.voice import UNITS, analyse_voice

        try:
            sound = read_media_audio(video)
        except WellnessInputRejected as error:
            results["voice"] = not_measurable("voice", error.problem, {}, UNITS)
        else:
            results["voice"] = analyse_voice(sound)
            sources["audio"] = f"{Path(video).name} (audio track)"
    if motion is not None:
        from workstation.wellness.motion import analyse_motion, read_motion

        results["motion"] = analyse_motion(read_motion(motion))
        sources["motion"] = Path(motion).name
    return compose(results, baseline, sources)


def compose(
    results: dict[str, ModalityResult], baseline: Baseline, sources: dict[str, str]
) -> WellnessSession:
    """Fuse analysed modalities; refuse when none of them is measurable."""
    if not any(r.quality.measurable for r in results.values()):
        reasons = "; ".join(f"{k}: {r.quality.reason}" for k, r in results.items())
        raise WellnessInputRejected(
            f"Nothing in this wellness session is measurable ({reasons}).",
            "Record again with the face frontal and well lit, speech close to the microphone, "
            "and the motion sensor worn throughout.",
        )
    return WellnessSession(results, fuse(results, baseline), sources)
