"""Unanswered questions grouped by similarity, so the biggest gaps stand out.

Questions are compared on their content words (stop words dropped, plural and -ing
endings trimmed), as TF-IDF over word and character n-grams: short questions otherwise
match on "can you" and "do I". Average-linkage clustering on cosine distance joins a
question to a group only when it is close to the group as a whole, not to one member.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

# Cosine distance under which questions count as the same gap (tuned by hand: rewordings
# of one question score about 0.4-0.8, unrelated questions 0.9-1.0).
DISTANCE_THRESHOLD = 0.85
ENDINGS = ("ing", "ers", "er", "es", "s")
# Clustering needs every pairwise distance; beyond this many distinct questions the rest
# join the nearest group (or stand alone) instead, to keep memory and time bounded.
MAX_CLUSTERED = 2000


@dataclass(frozen=True)
class Group:
    representative: str  # the question closest to the rest of its group
    others: tuple[str, ...]  # the other distinct questions, most frequent first
    count: int  # messages in the group, repeats included

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.representative, *self.others)


def _key(text: str) -> str:
    """Repeats of one question differing only in case or spacing count as one."""
    return re.sub(r"\s+", " ", text).strip().lower()


def _stem(word: str) -> str:
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _content(key: str) -> str:
    """'is there parking near the clinic?' -> 'park near clinic' (the key itself if no word is left)."""
    words = [_stem(w) for w in re.findall(r"[a-z0-9]+", key) if w not in ENGLISH_STOP_WORDS]
    return " ".join(words) or key


def _vectors(keys: list[str]) -> csr_matrix:
    """One unit row per question (sparse); every row is non-zero (character n-grams always exist)."""
    content = [_content(key) for key in keys]
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    parts = [normalize(chars.fit_transform(content))]
    try:
        words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        parts.append(normalize(words.fit_transform(content)))
    except ValueError:  # no word at all in any question (e.g. only "???"): characters only
        pass
    return normalize(hstack(parts).tocsr())


def _labels(vectors: csr_matrix) -> np.ndarray:
    head = vectors[:MAX_CLUSTERED]
    if head.shape[0] == 1:
        labels = np.zeros(1, dtype=int)
    else:
        # Rows are unit vectors: cosine distance is 1 - dot product (sparse, so it stays fast).
        distances = np.clip(1 - (head @ head.T).toarray(), 0, None)
        labels = AgglomerativeClustering(
            n_clusters=None,
            affinity="precomputed",
            linkage="average",
            distance_threshold=DISTANCE_THRESHOLD,
        ).fit_predict(distances)
    if vectors.shape[0] <= MAX_CLUSTERED:
        return labels
    centroids = normalize(
        np.vstack([np.asarray(head[labels == label].mean(axis=0)) for label in range(labels.max() + 1)])
    )
    rest = []
    next_label = labels.max() + 1
    for similarities in np.asarray(vectors[MAX_CLUSTERED:] @ centroids.T):
        if 1 - similarities.max() < DISTANCE_THRESHOLD:
            rest.append(int(similarities.argmax()))
        else:  # a new gap of its own
            rest.append(next_label)
            next_label += 1
    return np.concatenate([labels, np.array(rest, dtype=int)])


def group_questions(texts: list[str]) -> list[Group]:
    """Groups of similar questions, biggest first (ties: alphabetical by representative)."""
    counts = Counter(_key(t) for t in texts if t.strip())
    if not counts:
        return []
    first_spelling: dict[str, str] = {}
    for text in texts:
        first_spelling.setdefault(_key(text), text.strip())
    # Most frequent questions first: they are the ones clustered when there are too many.
    keys = [key for key, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    vectors = _vectors(keys)
    labels = _labels(vectors)
    groups = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        closeness = np.asarray(vectors[members] @ vectors[members].sum(axis=0).T).ravel()
        closest = members[int(np.argmax(closeness))]  # ties: the more frequent (listed first)
        others = [keys[i] for i in members if i != closest]  # already most frequent first
        groups.append(
            Group(
                representative=first_spelling[keys[closest]],
                others=tuple(first_spelling[k] for k in others),
                count=sum(counts[keys[i]] for i in members),
            )
        )
    return sorted(groups, key=lambda g: (-g.count, g.representative.lower()))
