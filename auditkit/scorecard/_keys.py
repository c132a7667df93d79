"""Ed25519 keys for signing scorecards: generate, write, load, identify.

A key is given as a PEM file path or as ``env:VARNAME`` (the PEM text in an
environment variable, the usual way to hand a CI job a secret). The private key
file is PKCS8 PEM without encryption, created with mode 0600 before any byte is
written; wherever a public key is expected a private one is accepted too, and
its public half used. A key's id is the first 16 hex characters of the SHA-256
of its raw 32-byte public key. Messages name the file or variable, never key material.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from auditkit._io import atomic_write_bytes
from auditkit.exceptions import KeyFileError, UserInputError

__all__ = ["generate_keypair", "key_id", "load_private_key", "load_public_key", "write_keypair"]

_MAX_KEY_BYTES = 64 * 1024



def generate_keypair() -> Ed25519PrivateKey:
    """A fresh Ed25519 private key (its public key is ``key.public_key()``)."""
    return Ed25519PrivateKey.generate()


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex characters of the SHA-256 of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _describe(spec: str) -> str:
    return f"environment variable '{spec[4:]}'" if spec.startswith("env:") else f"key file '{Path(spec).name}'"


def _read_spec(spec: str | os.PathLike[str]) -> tuple[bytes, str]:
    text = os.fspath(spec)
    if "-----BEGIN" in text or "\n" in text:
        raise KeyFileError("a key was given where its file path or env:VARNAME belongs; never pass key material as an argument")
    where = _describe(text)
    if text.startswith("env:"):
        value = os.environ.get(text[4:], "")
        if not value.strip():
            raise KeyFileError(f"{where} is not set or empty; put the PEM text of the key in it")
        if "\n" not in value and "\\n" in value:  # a CI secret stored with escaped newlines
            value = value.replace("\\n", "\n")
        return value.encode("utf-8", "replace"), where
    path = Path(text)
    try:
        if not path.is_file():
            raise KeyFileError(f"{where} not found; pass a PEM key file (make one with 'auditkit keygen') or env:VARNAME")
        if path.stat().st_size > _MAX_KEY_BYTES:
            raise KeyFileError(f"{where} is too large to be a PEM key; pass the .key or .pub file written by 'auditkit keygen'")
        return path.read_bytes(), where
    except OSError as exc:
        raise KeyFileError(f"cannot read {where} ({exc.strerror or type(exc).__name__}); check its path and permissions") from None


def _kind(key: object) -> str:
    name = type(key).__name__.lstrip("_")
    return name.removesuffix("PrivateKey").removesuffix("PublicKey") or "non-Ed25519"


def _parse_private(data: bytes, where: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise KeyFileError(
            f"{where} holds an encrypted key; auditkit reads unencrypted PKCS8 PEM (protect it with mode 0600 or env:VARNAME)"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(f"{where} is not a PEM private key; expected the .key file written by 'auditkit keygen'") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{where} holds a {_kind(key)} key; auditkit signs with Ed25519 (make one with 'auditkit keygen')")
    return key


def load_private_key(spec: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """Load an Ed25519 private key from a PEM file path or ``env:VARNAME`` (PEM text in the variable).

    Raises
    ------
    KeyFileError
        Missing or unreadable file, unset variable, encrypted, not PEM or not Ed25519 (exit 2).
    """
    data, where = _read_spec(spec)
    return _parse_private(data, where)


def load_public_key(spec: str | os.PathLike[str]) -> Ed25519PublicKey:
    """Load an Ed25519 public key from a PEM file path or ``env:VARNAME``; a private key is accepted too.

    Raises
    ------
    KeyFileError
        As :func:`load_private_key`.
    """
    data, where = _read_spec(spec)
    if b"PRIVATE KEY-----" in data:
        return _parse_private(data, where).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(f"{where} is not a PEM public key; expected the .pub file written by 'auditkit keygen'") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{where} holds a {_kind(key)} key; auditkit verifies Ed25519 signatures")
    return key


def write_keypair(prefix: str | os.PathLike[str], *, force: bool = False) -> tuple[Path, Path, str]:
    """Write ``PREFIX.key`` (PKCS8 PEM, mode 0600 from creation) and ``PREFIX.pub``; return both paths and the key id.

    Raises
    ------
    UserInputError
        Either file exists and ``force`` is false, or the folder cannot be written.
    """
    base = os.fspath(prefix)
    private_path, public_path = Path(base + ".key"), Path(base + ".pub")
    existing = [p.name for p in (private_path, public_path) if p.exists()]
    if existing and not force:
        raise UserInputError(f"{', '.join(existing)} already exist(s); pass --force to overwrite, or choose another prefix")
    key = generate_keypair()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        atomic_write_bytes(private_path, private_pem, mode=0o600)
        atomic_write_bytes(public_path, public_pem, mode=0o644)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UserInputError(f"cannot write the key pair '{Path(base).name}.*' ({reason}); pass a writable folder") from None
    return private_path, public_path, key_id(key.public_key())
