"""The one private-key PEM scanner (PCE405's key reader and PCE701 share it)."""
from __future__ import annotations

import base64
import struct

from pcelint.inputs.pem import blocks, is_encrypted, key_blocks

BODY = base64.b64encode(bytes(range(48))).decode()


def block(label, body=BODY, headers=()):
    return "\n".join([f"-----BEGIN {label}-----", *headers, body, f"-----END {label}-----"])


def test_blocks_carry_line_columns_label_and_decoded_body():
    text = "x: 1\n  " + block("RSA PRIVATE KEY") + "\n"
    (found,) = key_blocks(text)
    assert (found.line, found.start, found.end, found.label) == (2, 2, 33, "RSA PRIVATE KEY")
    assert found.body == bytes(range(48)) and found.complete


def test_a_block_without_end_is_incomplete_and_the_next_one_still_counts():
    text = "-----BEGIN PRIVATE KEY-----\n" + BODY + "\n" + block("EC PRIVATE KEY")
    first, second = key_blocks(text)
    assert (first.complete, first.body, first.line) == (False, b"", 1)
    assert (second.complete, second.label, second.line) == (True, "EC PRIVATE KEY", 3)


def test_bad_base64_gives_an_empty_body():
    (found,) = key_blocks(block("PRIVATE KEY", body="not base64 !"))
    assert found.complete and found.body == b""


def test_encrypted_forms():
    pkcs8 = key_blocks(block("ENCRYPTED PRIVATE KEY"))[0]
    legacy = key_blocks(block("RSA PRIVATE KEY", headers=("Proc-Type: 4,ENCRYPTED",
                                                          "DEK-Info: AES-128-CBC,00")))[0]
    def openssh(cipher):
        raw = b"openssh-key-v1\0" + struct.pack(">I", len(cipher)) + cipher + bytes(40)
        return key_blocks(block("OPENSSH PRIVATE KEY", base64.b64encode(raw).decode()))[0]
    assert is_encrypted(pkcs8) and is_encrypted(legacy) and is_encrypted(openssh(b"aes256-ctr"))
    assert not is_encrypted(openssh(b"none"))
    assert not is_encrypted(key_blocks(block("PRIVATE KEY"))[0])


def test_scanning_is_linear_in_the_number_of_begin_lines():
    # 40,000 BEGIN lines without END made the old forward scan quadratic (minutes); one pass now
    found = key_blocks("-----BEGIN PRIVATE KEY-----\n" * 40_000)
    assert len(found) == 40_000 and not any(b.complete for b in found)


def test_certificate_blocks_share_the_scanner_and_check_their_end_label():
    cert = "-----BEGIN CERTIFICATE-----\nTUlJ\n-----END CERTIFICATE-----"
    wrong_end = "-----BEGIN CERTIFICATE-----\nTUlJ\n-----END PRIVATE KEY-----"
    found = blocks("\r".join([cert, wrong_end, block("PRIVATE KEY")]))  # lone CR line ends
    assert [(b.label, b.line, b.closed, b.is_key) for b in found] == [
        ("CERTIFICATE", 1, True, False), ("CERTIFICATE", 4, False, False),
        ("PRIVATE KEY", 7, True, True)]
    assert found[0].body == b"" and found[2].body == bytes(range(48))
    assert found[0].text == cert + "\n"


def _fields(found) -> list:
    from pcelint.inputs.pem import Block
    return [tuple(getattr(b, name) for name in Block.__slots__) for b in found]


def test_plain_texts_are_scanned_as_line_by_line():
    import random

    from helpers import certgen as cg

    from pcelint.inputs import pem

    root, _, inter, _ = cg.pki()
    real = [cg.pem(root, inter).decode(), cg.key_pem(cg.rsa_key(0)).decode(),
            cg.key_pem(cg.ec_key(0)).decode()]
    pieces = [*(line for text in real for line in text.split("\n")), "-----BEGIN CERTIFICATE-----",
              "-----END CERTIFICATE-----", "  -----END CERTIFICATE-----  ", "-----END PRIVATE KEY-----",
              "x -----BEGIN PRIVATE KEY----- y", "-----BEGIN lower-----", "a-----b", "-----", "",
              " ", "\t", "MIIB", "-----END CERTIFICATE-----tail", "\x85", "\u2028", "AAAA====",
              "-----BEGIN X509 CERTIFICATE-----", "-----BEGIN RSA PRIVATE KEY-----"]
    rng = random.Random(7)
    texts = real + ["".join(real), real[0].replace("\n", "\n\n"), real[0][:-30], ""]
    for _ in range(1500):
        texts.append("\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
                     + rng.choice(["", "\n", "\n\n"]))
    for text in texts:
        assert "\r" not in text and ":" not in text
        assert _fields(pem._plain_blocks(text)) == _fields(pem._general_blocks(text)), repr(text)
    assert [b.label for b in pem.blocks(real[0])] == ["CERTIFICATE", "CERTIFICATE"]


def test_only_plain_texts_take_the_bulk_way(monkeypatch):
    from pcelint.inputs import pem

    taken = []
    real = pem._plain_blocks
    monkeypatch.setattr(pem, "_plain_blocks", lambda text: taken.append(text) or real(text))
    plain = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    for text in (plain, plain.replace("\n", "\r\n"), "Proc-Type: 4,ENCRYPTED\n" + plain):
        assert _fields(pem.blocks(text)) == _fields(pem._general_blocks(text))
    assert taken == [plain]
