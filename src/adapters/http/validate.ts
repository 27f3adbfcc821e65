// The one validator of every request input (path parameters, query and body), with checks compiled
// once (TypeBox). Elysia validates nothing here: its ValidationError serialises the whole received
// value (and, outside production, builds an example value and walks every error twice) on every
// rejected request (docs/PERFORMANCE.md, measured decisions). A rejection here costs the first
// errors, one per field, never the value, and is a 400 problem naming each field.
import type { Static, TSchema } from "@sinclair/typebox";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { ValueErrorType } from "@sinclair/typebox/errors";
import { AppError, type FieldError } from "../../../lib/xerrors/index.ts";
import { pointerSegment as pointer } from "./json-body.ts";

/** At most this many field errors per rejection (the cost of a rejection stays bounded). */
const MAX_ERRORS = 20;

const MESSAGES: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.ObjectAdditionalProperties]: "is not a member of this object",
  [ValueErrorType.ObjectRequiredProperty]: "is required",
  [ValueErrorType.String]: "must be a string",
  [ValueErrorType.Integer]: "must be an integer",
  [ValueErrorType.Number]: "must be a number",
  [ValueErrorType.Boolean]: "must be a boolean",
  [ValueErrorType.Object]: "must be an object",
  [ValueErrorType.Array]: "must be an array",
  [ValueErrorType.Null]: "must be null",
};

export interface InputCheck<S extends TSchema> {
  /** The schema checked (the route table's input, also what the OpenAPI document declares). */
  schema: S;
  check: TypeCheck<S>;
  /** Each top-level member's own check: a rejection looks only at the members that fail. */
  members: [string, TypeCheck<TSchema>][];
  required: Set<string>;
  /** Members the model declares, when it refuses any other. */
  declared?: Set<string>;
  /** Members that are numbers: a query string carries them as text. */
  numeric: string[];
}

/** Compiles a schema's checks once; `references` are the named schemas it may `$ref`. */
export function inputCheck<S extends TSchema>(schema: S, references: TSchema[] = []): InputCheck<S> {
  const properties = (schema.properties ?? {}) as Record<string, TSchema>;
  return {
    schema,
    check: TypeCompiler.Compile(schema, references),
    members: Object.entries(properties).map(([k, s]) => [k, TypeCompiler.Compile(s, references)]),
    required: new Set((schema.required as string[] | undefined) ?? []),
    declared: schema.additionalProperties === false ? new Set(Object.keys(properties)) : undefined,
    numeric: Object.entries(properties)
      .filter(([, s]) => s.type === "integer" || s.type === "number")
      .map(([k]) => k),
  };
}

function describe(type: ValueErrorType, schema: TSchema, message: string): string {
  const known = MESSAGES[type];
  if (known) return known;
  if (type === ValueErrorType.Union) {
    const literals = (schema.anyOf as TSchema[] | undefined)?.map((s) => s.const).filter((c) => c !== undefined);
    if (literals?.length) return `must be one of ${literals.join(", ")}`;
    return "does not match any allowed form";
  }
  if (type === ValueErrorType.Literal) return `must be ${JSON.stringify(schema.const)}`;
  // TypeBox's own wording for bounds and formats ("Expected integer to be greater or equal to 1").
  return message.replace(/^Expected /, "must be ");
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The first error of each failing member (TypeBox's error walk is a generator: only where needed). */
function memberErrors(c: InputCheck<TSchema>, body: Record<string, unknown>): FieldError[] {
  const fields: FieldError[] = [];
  if (c.declared)
    for (const key of Object.keys(body))
      if (!c.declared.has(key))
        fields.push({ field: pointer(key), message: MESSAGES[ValueErrorType.ObjectAdditionalProperties]! });
  for (const [key, check] of c.members) {
    if (fields.length >= MAX_ERRORS) break;
    const value = body[key];
    if (value === undefined) {
      if (c.required.has(key))
        fields.push({ field: pointer(key), message: MESSAGES[ValueErrorType.ObjectRequiredProperty]! });
      continue;
    }
    if (check.Check(value)) continue;
    const e = check.Errors(value).First();
    if (e) fields.push({ field: `${pointer(key)}${e.path}`, message: describe(e.type, e.schema, e.message) });
  }
  return fields.slice(0, MAX_ERRORS);
}

/** The input as the schema's type, or a 400 naming each offending field (never echoing values). */
export function valid<S extends TSchema>(c: InputCheck<S>, body: unknown): Static<S> {
  if (c.check.Check(body)) return body as Static<S>;
  let fields: FieldError[];
  if (isObject(body) && c.members.length) fields = memberErrors(c as InputCheck<TSchema>, body);
  else {
    const e = c.check.Errors(body).First();
    fields = [{ field: e?.path || "/", message: e ? describe(e.type, e.schema, e.message) : "is invalid" }];
  }
  throw AppError.invalidArgument("The request is invalid; see errors for each field.", fields);
}

/**
 * A query string's values as the schema's types: a numeric member written as decimal digits
 * becomes a number (anything else stays text, and fails its check with the member's name).
 */
export function validQuery<S extends TSchema>(c: InputCheck<S>, query: Record<string, unknown>): Static<S> {
  for (const key of c.numeric) {
    const v = query[key];
    if (typeof v === "string" && /^-?\d+$/.test(v)) query[key] = Number(v);
  }
  return valid(c, query);
}
