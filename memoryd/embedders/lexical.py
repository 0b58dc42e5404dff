"""BM25 term vectors from Qdrant Edge's built-in tokenizer (English, stemmed, stopwords out).

Documents carry saturated, length-normalised term frequencies; queries carry 1.0 per
distinct term. The IDF factor is not here: the store's sparse vector applies the IDF
modifier over the collection it holds, so weights stay valid as the collection grows.
"""

from __future__ import annotations

import qdrant_edge
from qdrant_edge import Bm25, Bm25Config, Language, SnowballLanguage, SnowballParams

from memoryd.memory.ports import SparseVector

_EMPTY = SparseVector(indices=(), values=())


class Bm25Encoder:
    """A :class:`~memoryd.memory.ports.LexicalEncoder` over ``qdrant_edge.Bm25``.

    ``k``, ``b`` and ``avg_len`` (expected document length in tokens) are BM25's
    parameters; the defaults are Qdrant's, so vectors equal what Qdrant's own BM25
    inference produces for the same text. Term ids are Qdrant's stable hashes of the
    stemmed token, so vectors written by one process match queries from another.
    """

    def __init__(self, *, k: float = 1.2, b: float = 0.75, avg_len: float = 256.0) -> None:
        config = Bm25Config(
            k=k,
            b=b,
            avg_len=avg_len,
            language="english",
            lowercase=True,
            stopwords=Language.English,
            stemmer=SnowballParams(SnowballLanguage.English),
        )
        self._model = Bm25(config)

    def encode_document(self, text: str) -> SparseVector:
        """The term-frequency side of BM25 for a text to be indexed."""
        return _to_sparse(self._model.embed_document(text))

    def encode_query(self, text: str) -> SparseVector:
        """One unit weight per distinct query term."""
        return _to_sparse(self._model.embed_query(text))


def _to_sparse(vector: qdrant_edge.SparseVector) -> SparseVector:
    indices, values = vector.indices, vector.values
    if not indices:
        return _EMPTY
    # The store requires strictly increasing indices; Qdrant's order is an implementation
    # detail, so sort rather than rely on it.
    pairs = sorted(zip(indices, values, strict=True))
    return SparseVector(
        indices=tuple(int(i) for i, _ in pairs), values=tuple(float(v) for _, v in pairs)
    )
