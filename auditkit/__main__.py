"""``python -m auditkit`` (what ``torchrun -m auditkit run audit.yaml`` starts in each process)."""

from auditkit.cli import main

raise SystemExit(main())
