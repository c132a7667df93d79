"""``auditkit keygen`` and ``auditkit attest``: make a signing key pair, sign an existing run.

``keygen PREFIX`` writes ``PREFIX.key`` (PKCS8 PEM, mode 0600 from creation) and
``PREFIX.pub``; ``attest RUN_DIR --key KEY`` signs ``RUN_DIR/scorecard.json`` into
``RUN_DIR/scorecard.intoto.jsonl``, which ``auditkit gate --verify-key PREFIX.pub``
checks. Both print the key id; neither prints key material.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["attest", "keygen", "register"]


def keygen(
    prefix: Annotated[Path, typer.Argument(help="Path prefix: writes PREFIX.key (private, mode 0600) and PREFIX.pub.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing key pair.")] = False,
) -> None:
    """Make an Ed25519 key pair for signing scorecards (auditkit attest / run --sign-key)."""
    from auditkit.scorecard import write_keypair

    private, public, kid = write_keypair(prefix, force=force)
    typer.echo(f"private key: {private} (mode 0600; keep it secret, or hand it to CI as env:VARNAME)")
    typer.echo(f"public key:  {public} (give it to whoever runs 'auditkit gate --verify-key')")
    typer.echo(f"key id:      {kid}")


def attest(
    run_dir: Annotated[Path, typer.Argument(help="Run folder holding scorecard.json (or the scorecard.json itself).")],
    key: Annotated[str, typer.Option("--key", help="Private key: PEM file written by 'auditkit keygen', or env:VARNAME.")],
) -> None:
    """Sign RUN_DIR/scorecard.json into RUN_DIR/scorecard.intoto.jsonl (in-toto Statement, DSSE, Ed25519)."""
    from auditkit.scorecard import attest_run, load_private_key

    scorecard = run_dir if run_dir.suffix == ".json" else run_dir / "scorecard.json"
    private_key = load_private_key(key)
    envelope, kid = attest_run(scorecard, private_key)
    typer.echo(f"signed {scorecard} with key {kid}")
    typer.echo(f"envelope: {envelope}")


def register(app: typer.Typer) -> None:
    """Add ``keygen`` and ``attest`` to ``app``."""
    app.command("keygen")(keygen)
    app.command("attest")(attest)
