// xconfig: configuration from YAML files plus environment overrides, driven by one TypeBox schema.
//
// load() reads the files in order (later ones win), applies the schema's defaults, then lets
// any leaf be overridden from the environment. Env names are derived by walking the schema:
// PREFIX + path segments, each camelCase word boundary and each nesting level becoming "_",
// all upper case (mongo.maxPoolSize → COURSES_MONGO_MAX_POOL_SIZE). A schema in which two
// leaves would get the same name is rejected, so the rule is unambiguous for any schema it
// accepts. Every problem is reported at once with its path, what was expected, what was got
// and where the value came from.
import { existsSync, readFileSync } from "node:fs";
import { Kind, type Static, type TSchema, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { parseDocument } from "yaml";

export { Type as t } from "@sinclair/typebox";
export type { Static } from "@sinclair/typebox";

const SECRET = "x-secret";
const DURATION = "x-duration";
export const REDACTED = "[REDACTED]";

/** Marks a string as secret: it is redacted whenever the config is printed or logged. */
export function Secret(opts: Parameters<typeof Type.String>[0] = {}) {
  return Type.String({ ...opts, [SECRET]: true });
}

/** A duration in milliseconds, written as a number of ms or a string such as `250ms`, `5s`, `1m`, `2h`. */
export function Duration(opts: { default?: number | string; description?: string; minimum?: number } = {}) {
  const { default: def, ...rest } = opts;
  return Type.Number({
    ...rest,
    ...(def !== undefined ? { default: typeof def === "string" ? parseDuration(def) : def } : {}),
    [DURATION]: true,
  });
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** `1m30s` → 90000; returns undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNITS[m[2]!]!;
  return total;
}

export interface ConfigIssue {
  /** Dotted path of the setting, e.g. `kafka.brokers`. */
  path: string;
  expected: string;
  got: string;
  /** `default`, `file <name> key <path>` or `env <NAME>`. */
  source: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `invalid configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${issues.map((i) => `  - ${i.path}: expected ${i.expected}, got ${i.got} (from ${i.source})`).join("\n")}`,
    );
  }
}

export interface Leaf {
  path: string[];
  env: string;
  schema: TSchema;
}

function camelToSnake(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();
}

/** Env variable name for a path. */
export function envName(prefix: string, path: string[]): string {
  return prefix + path.map(camelToSnake).join("_");
}

function isObjectSchema(s: TSchema): boolean {
  return s[Kind] === "Object";
}

/** Every leaf of the schema with its env name; throws when two leaves would share a name. */
export function leaves(schema: TSchema, prefix: string): Leaf[] {
  const out: Leaf[] = [];
  const walk = (s: TSchema, path: string[]) => {
    if (isObjectSchema(s)) {
      for (const [k, sub] of Object.entries(s.properties as Record<string, TSchema>)) walk(sub, [...path, k]);
    } else {
      out.push({ path, env: envName(prefix, path), schema: s });
    }
  };
  walk(schema, []);
  const seen = new Map<string, string>();
  for (const l of out) {
    const other = seen.get(l.env);
    if (other) throw new Error(`config schema: ${other} and ${l.path.join(".")} both map to ${l.env}`);
    seen.set(l.env, l.path.join("."));
  }
  return out;
}

function describeType(s: TSchema): string {
  if (s[DURATION]) return "duration (e.g. 250ms, 5s, 1m)";
  if (s.anyOf && (s.anyOf as TSchema[]).every((x) => x.const !== undefined))
    return `one of ${(s.anyOf as TSchema[]).map((x) => JSON.stringify(x.const)).join(", ")}`;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.type === "array") return `list of ${describeType(s.items as TSchema)}`;
  if (s.type === "integer") return "integer";
  return String(s.type ?? s[Kind]).toLowerCase();
}

type Coerced = { ok: true; value: unknown } | { ok: false };

/** Turns a string (from the environment) or a YAML scalar into the leaf's type. */
function coerce(s: TSchema, raw: unknown): Coerced {
  if (s[DURATION]) {
    if (typeof raw === "number") return { ok: true, value: raw };
    const ms = typeof raw === "string" ? parseDuration(raw) : undefined;
    return ms === undefined ? { ok: false } : { ok: true, value: ms };
  }
  // Lists of objects (YAML, or a JSON array in one variable): each object's fields are coerced
  // like leaves, and missing fields take their defaults.
  if (Array.isArray(raw) && s.type === "array") return coerceItems(s.items as TSchema, raw);
  if (isObjectSchema(s) && raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
    for (const [k, sub] of Object.entries(s.properties as Record<string, TSchema>)) {
      if (out[k] === undefined) {
        if (sub.default !== undefined) out[k] = structuredClone(sub.default);
        continue;
      }
      const c = coerce(sub, out[k]);
      if (!c.ok) return { ok: false };
      out[k] = c.value;
    }
    return { ok: true, value: out };
  }
  if (typeof raw !== "string") return { ok: true, value: raw };
  const text = raw.trim();
  switch (s.type) {
    case "number":
    case "integer": {
      if (text === "" || Number.isNaN(Number(text))) return { ok: false };
      return { ok: true, value: Number(text) };
    }
    case "boolean": {
      const v = text.toLowerCase();
      if (["true", "1", "yes", "on"].includes(v)) return { ok: true, value: true };
      if (["false", "0", "no", "off"].includes(v)) return { ok: true, value: false };
      return { ok: false };
    }
    case "array": {
      let items: unknown[];
      if (text.startsWith("[")) {
        try {
          items = JSON.parse(text);
        } catch {
          return { ok: false };
        }
      } else {
        items = text === "" ? [] : text.split(",").map((x) => x.trim());
      }
      return Array.isArray(items) ? coerceItems(s.items as TSchema, items) : { ok: false };
    }
    default:
      return { ok: true, value: raw };
  }
}

function coerceItems(item: TSchema, items: unknown[]): Coerced {
  const out: unknown[] = [];
  for (const it of items) {
    const c = coerce(item, it);
    if (!c.ok) return { ok: false };
    out.push(c.value);
  }
  return { ok: true, value: out };
}

function getAt(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function setAt(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) {
    if (cur[k] === null || typeof cur[k] !== "object") cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function show(v: unknown, secret: boolean): string {
  if (v === undefined) return "nothing";
  if (secret) return "a value (hidden: secret)";
  const text = hideUrlCredentials(JSON.stringify(v));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export interface LoadOptions {
  /** YAML files applied in order; a missing file is an error unless listed in optionalFiles. */
  files?: string[];
  optionalFiles?: string[];
  /** The environment to read overrides from; process.env by default. */
  env?: Record<string, string | undefined>;
  /** Prefix of env names, e.g. `COURSES_`. */
  prefix: string;
}

export interface Loaded<S extends TSchema> {
  config: Static<S>;
  /** Where each leaf's value came from, by dotted path. */
  sources: Record<string, string>;
}

/** Loads, merges, coerces and validates the configuration; throws ConfigError listing every problem. */
export function load<S extends TSchema>(schema: S, opts: LoadOptions): Loaded<S> {
  const env = opts.env ?? process.env;
  const all = leaves(schema, opts.prefix);
  const issues: ConfigIssue[] = [];
  const sources: Record<string, string> = {};
  const value: Record<string, unknown> = {};

  for (const l of all) {
    if (l.schema.default !== undefined) {
      setAt(value, l.path, structuredClone(l.schema.default));
      sources[l.path.join(".")] = "default";
    }
  }

  const files = [
    ...(opts.files ?? []).map((f) => ({ f, optional: false })),
    ...(opts.optionalFiles ?? []).map((f) => ({ f, optional: true })),
  ];
  for (const { f, optional } of files) {
    if (!existsSync(f)) {
      if (!optional)
        issues.push({ path: "(file)", expected: "a readable YAML file", got: "no such file", source: `file ${f}` });
      continue;
    }
    const doc = parseDocument(readFileSync(f, "utf8"), { prettyErrors: true });
    if (doc.errors.length) {
      for (const e of doc.errors)
        issues.push({ path: "(yaml)", expected: "valid YAML", got: e.message.split("\n")[0]!, source: `file ${f}` });
      continue;
    }
    const data = doc.toJS() ?? {};
    mergeFile(schema, data, [], f, value, sources, issues);
  }

  for (const l of all) {
    const raw = env[l.env];
    if (raw === undefined) continue;
    const where = `env ${l.env}`;
    const c = coerce(l.schema, raw);
    if (!c.ok) {
      issues.push({
        path: l.path.join("."),
        expected: describeType(l.schema),
        got: show(raw, Boolean(l.schema[SECRET])),
        source: where,
      });
      continue;
    }
    setAt(value, l.path, c.value);
    sources[l.path.join(".")] = where;
  }

  for (const e of Value.Errors(schema, value)) {
    const path = e.path.replace(/^\//, "").replaceAll("/", ".");
    const leaf = all.find((l) => path === l.path.join(".") || path.startsWith(`${l.path.join(".")}.`));
    // A leaf missing entirely is reported once, not once per constraint.
    if (issues.some((i) => i.path === path)) continue;
    issues.push({
      path: path || "(root)",
      expected: leaf ? withConstraint(describeType(leaf.schema), e.message) : e.message,
      got: show(e.value, Boolean(leaf?.schema[SECRET])),
      source: sources[leaf?.path.join(".") ?? path] ?? `nothing (set ${leaf?.env ?? "it"})`,
    });
  }
  if (issues.length) throw new ConfigError(issues);
  return { config: value as Static<S>, sources };
}

/** Adds TypeBox's constraint text ("to be less or equal to 65535") when it says more than the type. */
function withConstraint(type: string, message: string): string {
  const m = message.match(/^Expected \S+ (to .*)$/);
  return m ? `${type} ${m[1]}` : type;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

function mergeFile(
  schema: TSchema,
  data: unknown,
  path: string[],
  file: string,
  into: Record<string, unknown>,
  sources: Record<string, string>,
  issues: ConfigIssue[],
): void {
  const where = (p: string[]) => `file ${file} key ${p.join(".")}`;
  if (isObjectSchema(schema)) {
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      issues.push({
        path: path.join(".") || "(root)",
        expected: "a mapping",
        got: show(data, false),
        source: where(path),
      });
      return;
    }
    const props = schema.properties as Record<string, TSchema>;
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      const sub = props[k];
      if (!sub) {
        const close = Object.keys(props).find(
          (p) => editDistance(p.toLowerCase(), k.toLowerCase().replace(/[-_]/g, "")) <= 2,
        );
        issues.push({
          path: [...path, k].join("."),
          expected: `a known key${close ? ` (did you mean '${close}'?)` : `: one of ${Object.keys(props).join(", ")}`}`,
          got: "an unknown key",
          source: where([...path, k]),
        });
        continue;
      }
      mergeFile(sub, v, [...path, k], file, into, sources, issues);
    }
    return;
  }
  const c = coerce(schema, data);
  if (!c.ok) {
    issues.push({
      path: path.join("."),
      expected: describeType(schema),
      got: show(data, Boolean(schema[SECRET])),
      source: where(path),
    });
    return;
  }
  setAt(into, path, c.value);
  sources[path.join(".")] = where(path);
}

/** A deep copy with every secret leaf replaced by [REDACTED]; safe to print or log. */
/**
 * Credentials written into a URL (`scheme://user:pass@host`), anywhere in a text, replaced by
 * `***`: a URL's userinfo is a secret whatever setting holds it.
 */
export function hideUrlCredentials(text: string): string {
  return text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#@\s"']*@/g, `$1${REDACTED}@`);
}

/** Every string of a value passed through hideUrlCredentials. */
function hideCredentialsDeep(v: unknown): unknown {
  if (typeof v === "string") return hideUrlCredentials(v);
  if (Array.isArray(v)) return v.map(hideCredentialsDeep);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hideCredentialsDeep(x)]));
  return v;
}

export function redact<S extends TSchema>(schema: S, config: Static<S>, prefix = ""): Static<S> {
  const copy = hideCredentialsDeep(config) as Record<string, unknown>;
  for (const l of leaves(schema, prefix)) {
    if (l.schema[SECRET] && getAt(copy, l.path) !== undefined && getAt(copy, l.path) !== "")
      setAt(copy, l.path, REDACTED);
  }
  return copy as Static<S>;
}

export interface EnvVarInfo {
  name: string;
  path: string;
  type: string;
  default: string;
  description: string;
  secret: boolean;
  /** Where the current value came from, when a loaded config is given. */
  source?: string;
  /** The current value (redacted when secret), when a loaded config is given. */
  value?: string;
}

/** Every supported env variable with its type, default and (given a loaded config) current source. */
export function describeEnv<S extends TSchema>(schema: S, prefix: string, loaded?: Loaded<S>): EnvVarInfo[] {
  return leaves(schema, prefix).map((l) => {
    const secret = Boolean(l.schema[SECRET]);
    const key = l.path.join(".");
    const info: EnvVarInfo = {
      name: l.env,
      path: key,
      type: describeType(l.schema),
      default: l.schema.default === undefined ? "(required)" : secret ? REDACTED : JSON.stringify(l.schema.default),
      description: String(l.schema.description ?? ""),
      secret,
    };
    if (loaded) {
      const v = getAt(loaded.config, l.path);
      info.source = loaded.sources[key] ?? "unset";
      info.value = v === undefined ? "" : secret && v !== "" ? REDACTED : hideUrlCredentials(JSON.stringify(v));
    }
    return info;
  });
}

/** describeEnv as a Markdown table (name, type, default, description), for generated docs. */
export function formatEnvMarkdown(rows: EnvVarInfo[]): string {
  const cell = (v: string) => v.replaceAll("|", "\\|");
  const lines = ["| variable | type | default | description |", "|---|---|---|---|"];
  for (const r of rows)
    lines.push(
      `| \`${r.name}\` | ${cell(r.type)} | ${r.default === "(required)" ? "(required)" : `\`${cell(r.default)}\``} | ${cell(r.description)}${r.secret ? " (secret)" : ""} |`,
    );
  return lines.join("\n");
}

/** describeEnv as an aligned table, for a `config` command. */
export function formatEnvTable(rows: EnvVarInfo[]): string {
  const cols: (keyof EnvVarInfo)[] = rows.some((r) => r.source !== undefined)
    ? ["name", "type", "default", "source", "value"]
    : ["name", "type", "default", "description"];
  const cells = rows.map((r) => cols.map((c) => String(r[c] ?? "")));
  const header = cols.map((c) => c.toUpperCase());
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  return [header, ...cells]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
