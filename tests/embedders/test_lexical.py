"""The BM25 encoder over Qdrant Edge's real tokenizer, stemmer and stopword list."""

from __future__ import annotations

import pytest

from memoryd.embedders.lexical import Bm25Encoder
from memoryd.memory.ports import LexicalEncoder, SparseVector


@pytest.fixture(scope="module")
def encoder() -> Bm25Encoder:
    return Bm25Encoder()


def test_is_a_lexical_encoder(encoder: Bm25Encoder) -> None:
    assert isinstance(encoder, LexicalEncoder)


@pytest.mark.parametrize("side", ["encode_document", "encode_query"])
def test_vectors_are_sorted_tuples_of_ints_and_floats(encoder: Bm25Encoder, side: str) -> None:
    vector = getattr(encoder, side)("Caroline adopted two rescue dogs in Lisbon")

    assert isinstance(vector, SparseVector)
    assert isinstance(vector.indices, tuple) and isinstance(vector.values, tuple)
    assert list(vector.indices) == sorted(set(vector.indices))
    assert len(vector.indices) == len(vector.values) > 0
    assert all(isinstance(i, int) for i in vector.indices)
    assert all(isinstance(v, float) and v > 0 for v in vector.values)


def test_stemming_maps_inflections_to_the_same_terms(encoder: Bm25Encoder) -> None:
    assert encoder.encode_query("running cats").indices == encoder.encode_query("cat runs").indices


def test_stopwords_and_case_are_ignored(encoder: Bm25Encoder) -> None:
    assert encoder.encode_query("The DOGS of the city").indices == (
        encoder.encode_query("dogs city").indices
    )
    assert encoder.encode_query("the and of") == SparseVector(indices=(), values=())


def test_empty_text_gives_an_empty_vector(encoder: Bm25Encoder) -> None:
    assert encoder.encode_document("") == SparseVector(indices=(), values=())


def test_queries_weigh_each_distinct_term_once(encoder: Bm25Encoder) -> None:
    query = encoder.encode_query("dog dog dog park")

    assert query.values == (1.0, 1.0)


def weights(vector: SparseVector) -> dict[int, float]:
    return dict(zip(vector.indices, vector.values, strict=True))


def test_documents_weigh_repeated_terms_higher_but_saturating(encoder: Bm25Encoder) -> None:
    document = weights(encoder.encode_document("dog dog dog park"))
    (dog,) = encoder.encode_query("dog").indices
    (park,) = encoder.encode_query("park").indices

    assert document[park] < document[dog] < 3 * document[park]


def test_term_ids_are_stable_across_instances(encoder: Bm25Encoder) -> None:
    text = "Melanie painted a sunrise over the lake"

    assert Bm25Encoder().encode_document(text) == encoder.encode_document(text)


def test_longer_documents_get_lower_term_weights() -> None:
    encoder = Bm25Encoder(avg_len=4.0)
    (lake,) = encoder.encode_query("lake").indices

    short = weights(encoder.encode_document("lake sunrise"))
    long = weights(encoder.encode_document("lake sunrise painting morning canvas"))

    assert long[lake] < short[lake]
