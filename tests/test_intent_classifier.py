"""LeanLogisticRegressionClassifier scores exactly as Rasa's LogisticRegressionClassifier."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, List

import numpy as np
import pytest
import scipy.sparse
from rasa.core.agent import Agent
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from components.intent_classifier import LeanLogisticRegressionClassifier

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "backcare.tar.gz"


@pytest.fixture(scope="module")
def pipeline() -> tuple[list[Any], LeanLogisticRegressionClassifier]:
    """The trained model's tokenizer and featurizers, and its classifier."""
    assert MODEL.exists(), "run `make train` (make test does it for you)"
    nodes = Agent.load(str(MODEL)).processor.graph_runner._instantiated_nodes
    components = [node._component for name, node in nodes.items() if name.startswith("run_")]
    classifier = next(c for c in components if isinstance(c, LeanLogisticRegressionClassifier))
    before = components[: components.index(classifier)]
    return before, classifier


def featurized(pipeline: tuple[list[Any], Any], texts: List[str]) -> List[Message]:
    before, _ = pipeline
    messages = [Message(data={TEXT: text}) for text in texts]
    for component in before:
        messages = component.process(messages)
    return messages


def training_texts() -> List[str]:
    data = load_data(str(ROOT / "data" / "nlu"))
    return [m.get(TEXT) for m in data.intent_examples]


@contextmanager
def dense_scale(classifier: LeanLogisticRegressionClassifier, scale: float) -> Iterator[None]:
    configured = classifier.config["dense_feature_scale"]
    classifier.config["dense_feature_scale"] = scale
    try:
        yield
    finally:
        classifier.config["dense_feature_scale"] = configured


def test_feature_rows_are_rasas_on_every_training_message(pipeline) -> None:
    _, classifier = pipeline
    texts = training_texts() + ["", "?", "massage massage massage", "🙂", "x" * 3000]
    assert len(texts) > 2000
    messages = featurized(pipeline, texts)
    rasas = scipy.sparse.csr_matrix(LogisticRegressionClassifier._create_X(classifier, messages))
    with dense_scale(classifier, 1.0):  # Rasa's own features
        ours = classifier._create_X(messages)
    assert ours.shape == rasas.shape and ours.dtype == rasas.dtype
    assert (ours != rasas).nnz == 0
    assert np.array_equal(ours.indptr, rasas.indptr) and np.array_equal(ours.indices, rasas.indices)

    # As configured: the sentence vector (the last 384 columns) times the scale, the counts as they are.
    scale = classifier.config["dense_feature_scale"]
    assert scale == 10.0
    scaled = classifier._create_X(messages)
    dense = 384
    assert (scaled[:, :-dense] != rasas[:, :-dense]).nnz == 0
    assert np.array_equal(scaled[:, -dense:].toarray(), rasas[:, -dense:].toarray() * scale)
    assert np.allclose(np.linalg.norm(rasas[:, -dense:].toarray(), axis=1), 1.0, atol=1e-4)


def test_intents_and_confidences_are_rasas(pipeline) -> None:
    _, classifier = pipeline
    assert classifier.clf.coef_.flags.f_contiguous, "the weights were not made column-major"
    texts = training_texts()[::7] + ["does massage help?", "is deep tissue safe in pregnancy"]
    ours = [(m.get("intent"), m.get("intent_ranking")) for m in classifier.process(featurized(pipeline, texts))]

    row_major = np.ascontiguousarray(classifier.clf.coef_)
    column_major, classifier.clf.coef_ = classifier.clf.coef_, row_major
    try:
        rasas = [
            (m.get("intent"), m.get("intent_ranking"))
            for m in LogisticRegressionClassifier.process(classifier, featurized(pipeline, texts))
        ]
    finally:
        classifier.clf.coef_ = column_major
    assert ours == rasas


def test_another_dense_feature_joins_after_the_sparse_ones_as_in_rasa(pipeline) -> None:
    _, classifier = pipeline
    [message] = featurized(pipeline, ["does massage help?"])
    message.add_features(Features(np.ones((1, 3)), "sentence", TEXT, "dense-test"))
    rasas = LogisticRegressionClassifier._create_X(classifier, [message])
    with dense_scale(classifier, 1.0):
        ours = classifier._create_X([message])
    assert ours.shape[1] == rasas.shape[1] == classifier.clf.coef_.shape[1] + 3
    assert (scipy.sparse.csr_matrix(ours) != scipy.sparse.csr_matrix(rasas)).nnz == 0
