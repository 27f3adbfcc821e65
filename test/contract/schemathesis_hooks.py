"""schemathesis hooks for test/contract/schemathesis.test.ts (loaded through SCHEMATHESIS_HOOKS).

A list cursor is opaque: the only valid values are the `nextCursor`s the API returned, and any
other string is a 400 (`/cursor`: "is not a cursor returned by this API"). JSON Schema cannot say
"a value this server issued", so a drawn cursor that fits the declared pattern is still refused.
Positive cases therefore send a cursor only when it is one the server issued (reached through the
`nextPage` link in the stateful phase); negative cases still send malformed ones.
"""

import base64
import json

import schemathesis


def _issued(cursor):
    """The server's cursors are base64url JSON with its sort, value and id; drawn strings never are."""
    try:
        doc = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        return False
    return isinstance(doc, dict) and {"s", "v", "id"} <= doc.keys()


@schemathesis.hook
def filter_case(context, case):
    meta = case.meta
    cursor = (case.query or {}).get("cursor")
    if cursor is None or meta is None or not meta.generation.mode.is_positive:
        return True
    return isinstance(cursor, str) and _issued(cursor)
