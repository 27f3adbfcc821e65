// Checks a value against a named component of the API contract (the models the spec is built
// from), with the string formats a client's validator would check.
import { FormatRegistry, type TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { MODELS } from "../../src/adapters/http/v1/models.ts";

FormatRegistry.Set("uuid", (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v));
FormatRegistry.Set(
  "date-time",
  (v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v) && !Number.isNaN(Date.parse(v)),
);
FormatRegistry.Set("uri", (v) => URL.canParse(v));

const refs: TSchema[] = Object.entries(MODELS).map(([name, schema]) => ({
  ...schema,
  $id: `#/components/schemas/${name}`,
}));

/** Every way `value` breaks the component `ref` ("#/components/schemas/Course"); empty when it conforms. */
export function contractErrors(ref: string, value: unknown): string[] {
  const schema = refs.find((r) => r.$id === ref);
  if (!schema) throw new Error(`no component ${ref}`);
  return [...Value.Errors(schema, refs, value)].map((e) => `${ref}${e.path}: ${e.message}`);
}
