"""``python -m auditkit.cli``."""

from auditkit.cli import main

main()
