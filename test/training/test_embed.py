"""Embedding cache keyed by sha256(embedder id + text); the Node CLI's embedder id/dim must match."""

from __future__ import annotations


import numpy as np
import pytest


from training.embed import EmbeddingCache, embed_texts, run_node_embedder, text_key


def test_cache_keys_separate_embedders(tmp_path):
    assert text_key("a", "hello") != text_key("b", "hello")
    c1, c2 = EmbeddingCache("enc-a", 4, tmp_path), EmbeddingCache("enc-b", 4, tmp_path)
    c1.put("hello", np.ones(4))
    assert c1.get("hello") is not None and c2.get("hello") is None
    with pytest.raises(ValueError, match="shape"):
        c1.put("x", np.ones(3))
    with pytest.raises(ValueError, match="expected \\(8,\\)"):
        EmbeddingCache("enc-a", 8, tmp_path).get("hello")


def test_inline_vectors_and_unknown_embedder(tmp_path):
    v = embed_texts(["a"], "custom", 2, inline={"a": [1.0, 2.0]}, cache_dir=tmp_path)
    assert v.tolist() == [[1.0, 2.0]]
    with pytest.raises(ValueError, match="only 'use-lite-512'"):
        embed_texts(["b"], "custom", 2, inline={"a": [1.0, 2.0]}, cache_dir=tmp_path)
    with pytest.raises(ValueError, match="only 'use-lite-512'"):
        run_node_embedder(["x"], "other-encoder", 512)


def test_node_embedder_roundtrip(tmp_path):
    texts = ["Write a haiku about rain.", "Explain TCP slow start."]
    v = embed_texts(texts, "use-lite-512", 512, cache_dir=tmp_path)
    assert v.shape == (2, 512) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert not np.allclose(v[0], v[1])
    again = embed_texts(texts, "use-lite-512", 512, cache_dir=tmp_path)  # from the cache, no Node call
    np.testing.assert_array_equal(v, again)
    with pytest.raises(ValueError, match="reported embedder"):
        run_node_embedder(["x"], "use-lite-512", 256)
