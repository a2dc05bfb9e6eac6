"""Sentence embeddings from the app's own encoder (router-core/bin/embed-texts.ts), cached on disk.

Vectors are cached under ``training/.cache/embeddings/`` keyed by sha256(embedder id + "\\0" + text), so
vectors of two encoders never mix. The embedder id and dim reported by the Node CLI must match the
configured ones; a mismatch is an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / "training" / ".cache" / "embeddings"
NODE_EMBEDDER_ID = "use-lite-512"


def text_key(embedder_id: str, text: str) -> str:
    return hashlib.sha256((embedder_id + "\0" + text).encode("utf-8")).hexdigest()


class EmbeddingCache:
    """A directory of ``<key>.npy`` float32 vectors for one embedder id."""

    def __init__(self, embedder_id: str, dim: int, cache_dir: Optional[Path] = None) -> None:
        self.embedder_id = embedder_id
        self.dim = dim
        self.dir = Path(cache_dir or CACHE_DIR) / embedder_id
        self._mem: Dict[str, np.ndarray] = {}

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.npy"

    def get(self, text: str) -> Optional[np.ndarray]:
        key = text_key(self.embedder_id, text)
        if key in self._mem:
            return self._mem[key]
        p = self._path(key)
        if not p.exists():
            return None
        v = np.load(p)
        if v.shape != (self.dim,):
            raise ValueError(f"{p}: cached vector has shape {v.shape}, expected ({self.dim},) for {self.embedder_id}")
        self._mem[key] = v
        return v

    def put(self, text: str, vec: np.ndarray) -> None:
        vec = np.asarray(vec, dtype=np.float32)
        if vec.shape != (self.dim,):
            raise ValueError(f"embedding for {self.embedder_id} has shape {vec.shape}, expected ({self.dim},)")
        key = text_key(self.embedder_id, text)
        p = self._path(key)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(".tmp.npy")
        np.save(tmp, vec)
        os.replace(tmp, p)
        self._mem[key] = vec


def run_node_embedder(texts: Sequence[str], embedder_id: str, dim: int) -> List[np.ndarray]:
    """Embeds texts with ``npx tsx router-core/bin/embed-texts.ts`` (run from the repo root)."""
    if embedder_id != NODE_EMBEDDER_ID:
        raise ValueError(f"embedder id {embedder_id!r}: only {NODE_EMBEDDER_ID!r} can be computed here (Node CLI)")
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "texts.jsonl", Path(tmp) / "vectors.jsonl"
        with open(inp, "w", encoding="utf-8") as f:
            for i, t in enumerate(texts):
                f.write(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n")
        cmd = ["npx", "tsx", "router-core/bin/embed-texts.ts", "--in", str(inp), "--out", str(out)]
        proc = subprocess.run(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=None, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"embed-texts failed with exit code {proc.returncode}: {' '.join(cmd)}")
        lines = out.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0]).get("embedder", {})
    if header.get("id") != embedder_id or header.get("dim") != dim:
        raise ValueError(f"embed-texts reported embedder {header}, expected id={embedder_id!r} dim={dim}")
    vecs: Dict[int, np.ndarray] = {}
    for line in lines[1:]:
        rec = json.loads(line)
        vecs[int(rec["id"])] = np.asarray(rec["embedding"], dtype=np.float32)
    if len(vecs) != len(texts):
        raise RuntimeError(f"embed-texts returned {len(vecs)} vectors for {len(texts)} texts")
    return [vecs[i] for i in range(len(texts))]


def embed_texts(
    texts: Sequence[str],
    embedder_id: str,
    dim: int,
    inline: Optional[Dict[str, List[float]]] = None,
    cache_dir: Optional[Path] = None,
) -> np.ndarray:
    """Returns a float32 [len(texts), dim] array. ``inline`` vectors (from a dataset file that carries its
    own embeddings) take precedence; everything else comes from the cache or the Node CLI."""
    cache = EmbeddingCache(embedder_id, dim, cache_dir)
    out = np.zeros((len(texts), dim), dtype=np.float32)
    missing: Dict[str, List[int]] = {}
    for i, t in enumerate(texts):
        if inline is not None and t in inline:
            v = np.asarray(inline[t], dtype=np.float32)
            if v.shape != (dim,):
                raise ValueError(f"inline vector for text {t[:40]!r} has shape {v.shape}, expected ({dim},)")
            out[i] = v
            continue
        v = cache.get(t)
        if v is None:
            missing.setdefault(t, []).append(i)
        else:
            out[i] = v
    if missing:
        uniq = list(missing)
        for t, v in zip(uniq, run_node_embedder(uniq, embedder_id, dim)):
            cache.put(t, v)
            out[missing[t]] = v
    return out
