"""Embedder adapters: fastembed (bundled MiniLM by default), OpenAI-compatible APIs, BM25."""

from memoryd.embedders.fastembed import BUNDLED_MODEL_DIR, BUNDLED_MODEL_NAME, FastEmbedEmbedder
from memoryd.embedders.lexical import Bm25Encoder
from memoryd.embedders.openai import OpenAIEmbedder

__all__ = [
    "BUNDLED_MODEL_DIR",
    "BUNDLED_MODEL_NAME",
    "Bm25Encoder",
    "FastEmbedEmbedder",
    "OpenAIEmbedder",
]
