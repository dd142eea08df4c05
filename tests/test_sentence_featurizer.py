"""The dense sentence featurizer (components/sentence_featurizer.py): all-MiniLM-L6-v2 in int8,
built at training from the checked weights, stored in the model and checked again at loading."""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pytest
from rasa.core.agent import Agent
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.minilm_graph import (
    WEIGHTS_SHA256,
    WeightsMismatchError,
    build_float32,
    build_int8,
    package_model_dir,
    sha256_of,
)
from components.sentence_featurizer import (
    GRAPH_FILE,
    MANIFEST_FILE,
    MiniLMSentenceFeaturizer,
    StoredModelMismatchError,
    _session,
)
from components.wordpiece import WordPiece

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "backcare.tar.gz"


@pytest.fixture(scope="module")
def featurizer() -> MiniLMSentenceFeaturizer:
    """The trained model's featurizer, as the server loads it."""
    assert MODEL.exists(), "run `make train` (make test does it for you)"
    nodes = Agent.load(str(MODEL)).processor.graph_runner._instantiated_nodes
    [component] = [n._component for n in nodes.values() if isinstance(n._component, MiniLMSentenceFeaturizer)]
    return component


def vectors(featurizer: MiniLMSentenceFeaturizer, texts: list[str]) -> np.ndarray:
    messages = featurizer.process([Message(data={TEXT: t}) for t in texts])
    return np.vstack([m.get_dense_features(TEXT)[1].features for m in messages])


def test_each_message_gets_one_unit_length_sentence_feature(featurizer) -> None:
    [message] = featurizer.process([Message(data={TEXT: "does massage help lower back pain?"})])
    [dense] = [f for f in message.features if f.is_dense()]
    assert (dense.type, dense.attribute, dense.origin) == ("sentence", TEXT, featurizer._identifier)
    assert dense.features.shape == (1, 384) and dense.features.dtype == np.float32
    assert abs(float(np.linalg.norm(dense.features)) - 1.0) < 1e-5


def test_the_same_text_gets_the_same_vector(featurizer) -> None:
    text = "is deep tissue massage safe if I'm on warfarin?"
    first, second = vectors(featurizer, [text, "hi"]), vectors(featurizer, [text])
    assert np.array_equal(first[0], second[0])
    assert not np.allclose(first[0], first[1])


def test_a_paraphrase_is_nearer_than_an_unrelated_message(featurizer) -> None:
    v = vectors(
        featurizer,
        [
            "how much does a massage cost?",
            "what is the price of one session with a therapist?",
            "book me a flight to Paris",
            "my lower back hurts when I sit at my desk",
            "sitting all day gives me lumbar pain",
        ],
    )
    similarity = v @ v.T
    assert similarity[0, 1] > similarity[0, 2] + 0.3
    assert similarity[3, 4] > similarity[3, 2] + 0.3


def test_int8_vectors_stay_close_to_float32(featurizer, tmp_path: Path) -> None:
    build_float32(package_model_dir(), tmp_path / "float32.onnx")
    float32 = _session(tmp_path / "float32.onnx")
    tokenizer = WordPiece.from_file(package_model_dir() / "vocab.txt")
    texts = ["how often should I get a massage?", "my sciatica is worse at night", "thanks!", "what's 17 times 23"]
    cosines = []
    for text, int8 in zip(texts, vectors(featurizer, texts), strict=True):
        reference = float32.run(None, {"ids": np.array([tokenizer.encode(text)], dtype=np.int64)})[0][0]
        cosines.append(float(int8 @ reference / np.linalg.norm(reference)))
    # onnxruntime's int8 kernels differ by CPU: "thanks!" (three word pieces) is 0.96 of float32 on
    # an AVX2-only CPU and above 0.97 with AVX512-VNNI; the others 0.99 on both. One scale per
    # matrix instead of per column would bring the mean near 0.957.
    assert min(cosines) > 0.95 and sum(cosines) / len(cosines) > 0.975, cosines


def test_word_pieces_are_berts_uncased_ones() -> None:
    tokenizer = WordPiece.from_file(package_model_dir() / "vocab.txt")
    ids = tokenizer.ids
    assert tokenizer.encode("Does MASSAGE help?  Naïve") == [
        ids["[CLS]"],
        ids["does"],
        ids["massage"],
        ids["help"],
        ids["?"],
        ids["naive"],
        ids["[SEP]"],
    ]
    pieces = tokenizer.encode("sciatica")[1:-1]  # an unknown word is split into known pieces
    assert len(pieces) > 1 and tokenizer.unk not in pieces
    assert len(tokenizer.encode("back " * 500)) == 128  # long messages are cut, [SEP] kept


def test_the_installed_weights_are_the_pinned_file() -> None:
    assert sha256_of(package_model_dir() / "model.safetensors") == WEIGHTS_SHA256


def test_tampered_weights_stop_the_build_with_a_clear_message(tmp_path: Path) -> None:
    source = package_model_dir()
    shutil.copy(source / "vocab.txt", tmp_path / "vocab.txt")
    data = bytearray((source / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF  # one byte of the last weight changed
    (tmp_path / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(WeightsMismatchError, match="not the pinned all-MiniLM-L6-v2 weights file.*Reinstall"):
        build_int8(tmp_path, tmp_path / "out.onnx")
    assert not (tmp_path / "out.onnx").exists()


def test_training_stores_the_graph_and_loading_checks_it(featurizer, tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("sentence_featurizer")
    context = ExecutionContext(GraphSchema({}), node_name="MiniLMSentenceFeaturizer")
    config = MiniLMSentenceFeaturizer.get_default_config()
    MiniLMSentenceFeaturizer.create(config, storage, resource, context).train(TrainingData())

    # The build is deterministic: the same int8 file (by SHA-256) as in the trained model.
    with tarfile.open(MODEL) as archive:
        names = [m for m in archive.getnames() if "MiniLMSentenceFeaturizer" in m and m.endswith(MANIFEST_FILE)]
        [member] = names
        trained = json.load(archive.extractfile(member))  # type: ignore[arg-type]  # a file member: never None
    with storage.read_from(resource) as built:
        assert json.loads((built / MANIFEST_FILE).read_text()) == trained
    loaded = MiniLMSentenceFeaturizer.load(config, storage, resource, context)
    text = "can massage make my back worse?"
    assert np.array_equal(vectors(loaded, [text]), vectors(featurizer, [text]))

    with storage.write_to(resource) as directory:
        graph = bytearray((directory / GRAPH_FILE).read_bytes())
        graph[len(graph) // 2] ^= 0xFF
        (directory / GRAPH_FILE).write_bytes(bytes(graph))
    with pytest.raises(StoredModelMismatchError, match="not the file training wrote.*make train"):
        MiniLMSentenceFeaturizer.load(config, storage, resource, context)
