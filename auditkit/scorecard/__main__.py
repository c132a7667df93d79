"""``python -m auditkit.scorecard``: print the scorecard JSON Schema (regenerates ``schemas/scorecard.schema.json``)."""

import json

from auditkit.scorecard import json_schema

print(json.dumps(json_schema(), indent=2, sort_keys=True))
