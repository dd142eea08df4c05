"""Rasa's LogisticRegressionClassifier with its per-message overheads removed.

Same model, same features, same probabilities (tests/test_intent_classifier.py compares
both on every training message). Profiling the server under load put a third of each
turn in this classifier, almost none of it in the model itself:
- scikit-learn scores a message as ``X @ coef_.T``. coef_ is stored row-major, so its
  transpose is column-major, and scipy copies the whole weight matrix (tens of thousands
  of features times every intent) into row-major order for every single message. Keeping
  coef_ column-major makes that transpose the row-major array scipy wants, at no copy.
- Rasa builds the feature row by deep-copying each featurizer's output, stacking the
  sequence features (which this classifier never reads) and calling scipy's general block
  stacker twice. Here the sentence features are joined directly into one CSR row.

Dense sentence features (components/sentence_featurizer.py) join the row after the sparse
ones, as in Rasa, multiplied by `dense_feature_scale`: a unit-length vector of 384 small
numbers beside thousands of counts barely moves the regression at Rasa's scale of 1 (10 was
best on tests/data/heldout: docs/understanding.md).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LeanLogisticRegressionClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # 1.0: Rasa's own features, unscaled.
        return {**LogisticRegressionClassifier.get_default_config(), "dense_feature_scale": 1.0}

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> "LeanLogisticRegressionClassifier":
        component = super().load(*args, **kwargs)
        component._weights_column_major()
        return component

    def train(self, training_data: TrainingData) -> Resource:
        resource = super().train(training_data)
        self._weights_column_major()  # the training graph scores the training data next
        return resource

    def _weights_column_major(self) -> None:
        if hasattr(self.clf, "coef_"):
            self.clf.coef_ = np.asfortranarray(self.clf.coef_)

    def _create_X(self, messages: List[Message]) -> scipy.sparse.csr_matrix:  # noqa: N802 - Rasa's method name
        scale = float(self.config["dense_feature_scale"])
        return scipy.sparse.vstack([_sentence_row(message, scale) for message in messages], format="csr")


def _sentence_row(message: Message, dense_scale: float = 1.0) -> scipy.sparse.csr_matrix:
    """The message's sentence features side by side, in the order Rasa stacks them: the
    sparse ones, then the dense ones (times dense_scale)."""
    columns: List[np.ndarray] = []
    values: List[np.ndarray] = []
    width = 0
    features = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    for feature in [f for f in features if f.is_sparse()]:
        block = feature.features.tocoo()
        columns.append(block.col + width)
        values.append(block.data)
        width += block.shape[1]
    for feature in [f for f in features if f.is_dense()]:
        row = np.asarray(feature.features, dtype=np.float64).reshape(-1) * dense_scale
        nonzero = np.flatnonzero(row)
        columns.append(nonzero + width)
        values.append(row[nonzero])
        width += row.shape[0]
    if not columns:
        return scipy.sparse.csr_matrix((1, 0), dtype=np.float64)
    # float64, as Rasa's stacking with its empty dense block gives (and scikit-learn uses).
    data = np.concatenate(values).astype(np.result_type(*values, np.float64), copy=False)
    cols = np.concatenate(columns)
    # COO -> CSR sums duplicates and sorts the columns, as Rasa's conversion does.
    return scipy.sparse.coo_matrix((data, (np.zeros(len(cols), dtype=np.int32), cols)), shape=(1, width)).tocsr()
