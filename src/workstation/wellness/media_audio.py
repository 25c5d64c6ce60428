"""The sound of a media file (a video's audio track, or an MP3/M4A/FLAC/OGG recording),
decoded in memory to 16 kHz mono.

OpenCV reads only pictures and scipy only WAV, so other containers go through PyAV (``av``,
BSD; its wheels bundle FFmpeg's LGPL libraries): in-process, no external program, nothing
written to disk. 16 kHz keeps everything the voice measures (pitch up to 400 Hz, formants
and syllable envelopes) and is what the live microphone records. A video without an audio
track is refused with that reason rather than read as silence.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workstation.errors import WellnessInputRejected
from workstation.wellness.voice import Audio

RATE = 16000
#: Longer than this is no wellness session; decoding it would hold gigabytes in memory.
MAX_SECONDS = 2 * 3600


def has_audio_track(path: str | Path) -> bool:
    """Whether the file holds at least one audio stream (False when it cannot be opened)."""
    import av

    try:
        with av.open(str(path)) as container:
            return bool(container.streams.audio)
    except (av.FFmpegError, OSError, ValueError):
        return False


def read_media_audio(path: str | Path) -> Audio:
    """The first audio track, mixed to mono and resampled to 16 kHz, as ``Audio``."""
    import av

    path = Path(path)
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError, ValueError) as error:
        raise WellnessInputRejected(
            f"The file {path.name} cannot be read as audio or video.",
            "Check that it is a complete recording (WAV, MP3, M4A, MP4, MKV, …) and import it "
            "again.",
        ) from error
    with container:
        if not container.streams.audio:
            raise WellnessInputRejected(
                f"The video {path.name} has no audio track, so there is no voice to analyse.",
                "Give the speech as a separate audio file, or record again with the microphone on.",
            )
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        chunks: list[np.ndarray] = []
        decoded = 0
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
                    decoded += out.samples
                if decoded > MAX_SECONDS * RATE:
                    raise WellnessInputRejected(
                        f"The audio of {path.name} is longer than {MAX_SECONDS // 3600} hours.",
                        "Cut the part of the session to observe and import that.",
                    )
            chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
        except (av.FFmpegError, OSError, ValueError) as error:
            raise WellnessInputRejected(
                f"The audio track of {path.name} is damaged and cannot be decoded.",
                "Export the recording again and import the new file.",
            ) from error
    if not chunks:
        raise WellnessInputRejected(
            f"The audio track of {path.name} holds no sound.",
            "Give the speech as a separate audio file.",
        )
    return Audio(np.concatenate(chunks).astype(np.float64), float(RATE), path.name)
