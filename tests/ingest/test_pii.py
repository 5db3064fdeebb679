"""Hashing and masking of id numbers and phones."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from disputegraph.config import DEMO_PII_KEY, Settings
from disputegraph.exceptions import ConfigError, SchemaError
from disputegraph.ingest import hash_lookup, mask_id_number, mask_phone, protector
from disputegraph.pii import hash_identifier, mask_value, normalise_identifier

digits = st.text(alphabet="0123456789", min_size=1, max_size=24)
id_numbers = st.builds(
    lambda body, last: body + last,
    st.text(alphabet="0123456789", min_size=17, max_size=17),
    st.sampled_from("0123456789Xx"),
)
phones = st.text(alphabet="0123456789", min_size=11, max_size=11).map(lambda s: "1" + s[1:])


def test_examples() -> None:
    assert mask_id_number("330106198503121234") == "3301**********1234"
    assert mask_id_number("33010619850312123x") == "3301**********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("0086 13812345678") == "138****5678"
    assert mask_phone("0571-88001234") == "057*****1234"
    assert mask_value("12345") == "1***5"
    assert normalise_identifier("３３０１０６ 1985-0312-123x") == "33010619850312123X"


@given(id_numbers)
@example("008600000000000000")  # starts like a phone's country prefix: not stripped
def test_id_mask_reveals_only_first_and_last_four(value: str) -> None:
    masked = mask_id_number(value)
    assert len(masked) == 18
    assert masked[:4] == value[:4] and masked[-4:] == value[-4:].upper()
    assert masked[4:-4] == "*" * 10


@given(phones)
def test_phone_mask_reveals_only_first_three_and_last_four(value: str) -> None:
    masked = mask_phone(value)
    assert masked == value[:3] + "****" + value[-4:]


@given(digits)
def test_any_mask_hides_at_least_half_or_four(value: str) -> None:
    for masked in (mask_id_number(value), mask_phone(value), mask_value(value)):
        hidden = masked.count("*")
        assert len(masked) == len(value)
        assert hidden >= 4 or hidden >= len(value) - len(value) // 2
        shown = [c for c in masked if c != "*"]
        assert len(shown) <= 8
        # what is shown is a prefix and a suffix of the value, nothing from the middle
        assert re.fullmatch(r"[0-9]*\**[0-9]*", masked)


@given(id_numbers, st.lists(st.sampled_from([" ", "-"]), max_size=4))
def test_hash_ignores_formatting(value: str, seps: list[str]) -> None:
    key = b"k"
    spaced = value
    for i, sep in enumerate(seps):
        pos = (i * 5 + 3) % len(spaced)
        spaced = spaced[:pos] + sep + spaced[pos:]
    assert hash_identifier(key, spaced.lower()) == hash_identifier(key, value.upper())


@given(phones)
def test_hash_is_stable_and_keyed(value: str) -> None:
    a = hash_identifier(b"key-a", value)
    assert a == hash_identifier(b"key-a", value)
    assert a == hash_identifier(b"key-a", "+86 " + value)
    assert a != hash_identifier(b"key-b", value)
    assert re.fullmatch(r"[0-9a-f]{64}", a)
    assert value not in a


def test_hash_lookup_uses_the_configured_key() -> None:
    keyed = Settings(pii_key="secret-1")
    demo = Settings(demo=True)
    assert hash_lookup(keyed, "13812345678") == hash_identifier(b"secret-1", "13812345678")
    assert hash_lookup(demo, "13812345678") == hash_identifier(
        DEMO_PII_KEY.encode(), "138 1234 5678"
    )
    with pytest.raises(ConfigError, match="DISPUTEGRAPH_PII_KEY"):
        hash_lookup(Settings(demo=False), "13812345678")


def test_protector() -> None:
    protect = protector(Settings(pii_key="s"))
    out = protect("id_number", "330106198503121234")
    assert out == {
        "id_number_hash": hash_identifier(b"s", "330106198503121234"),
        "id_number_masked": "3301**********1234",
    }
    assert set(protect("phone", "13812345678")) == {"phone_hash", "phone_masked"}
    with pytest.raises(SchemaError):
        protect("name", "张三")
    with pytest.raises(ConfigError):
        protector(Settings(demo=False))
