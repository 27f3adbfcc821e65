// xlog: a pino logger carried through AsyncLocalStorage.
//
// Code calls log() and gets the logger bound to the current request, message or job; the
// active OpenTelemetry span's trace_id/span_id are added to every entry automatically.
// Secrets (authorization, cookies, passwords, tokens, configured paths) are redacted.
import { AsyncLocalStorage } from "node:async_hooks";
import { writeSync } from "node:fs";
import { trace } from "@opentelemetry/api";
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";

export type { Logger } from "pino";
export type LogFormat = "json" | "pretty";
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

export const REDACTED = "[REDACTED]";

/** Paths redacted in every logger, at the top level and one level down. */
export const DEFAULT_REDACT_KEYS = [
  "authorization",
  "cookie",
  "set-cookie",
  "password",
  "passwd",
  "secret",
  "token",
  "accessToken",
  "refreshToken",
  "apiKey",
  "api_key",
  "x-api-key",
  "clientSecret",
];

export interface LoggerConfig {
  level?: LogLevel;
  format?: LogFormat;
  /** Service name put on every entry. */
  name?: string;
  /** Extra paths to redact, in pino's path syntax (e.g. "mongo.url", "req.headers.x-token"). */
  redact?: string[];
  /** Where entries go; stdout by default. */
  destination?: DestinationStream;
  /** Fields added to every entry (version, environment…). */
  base?: Record<string, unknown>;
}

/** A path as keys; "*" matches any key. `a.b`, `*.b`, `a["x-y"]`, `["set-cookie"]`. */
function parsePath(path: string): string[] {
  const keys: string[] = [];
  for (const m of path.matchAll(/\["([^"]+)"\]|([^.[\]]+)/g)) keys.push(m[1] ?? m[2]!);
  return keys;
}

function redactionPaths(extra: string[] = []): string[][] {
  const paths: string[][] = [];
  for (const key of DEFAULT_REDACT_KEYS) paths.push([key], ["*", key], ["req", "headers", key]);
  for (const p of extra) paths.push(parsePath(p));
  return paths;
}

type Entry = Record<string, unknown>;
const isObject = (v: unknown): v is Entry => typeof v === "object" && v !== null && !Array.isArray(v);

/** The redaction paths as a tree: a key's node, "*" for any key; a leaf is censored. */
interface PathNode {
  leaf?: boolean;
  children: Map<string, PathNode>;
}

function pathTree(paths: string[][]): PathNode {
  const root: PathNode = { children: new Map() };
  for (const keys of paths) {
    let node = root;
    for (const k of keys) {
      let next = node.children.get(k);
      if (!next) {
        next = { children: new Map() };
        node.children.set(k, next);
      }
      node = next;
    }
    node.leaf = true;
  }
  return root;
}

function apply(v: unknown, node: PathNode): unknown {
  if (node.leaf) return v === undefined ? v : REDACTED;
  return isObject(v) ? censor(v, node) : v;
}

/** `obj` with every path of `node` censored, in one walk: copies only what it changes. */
function censor(obj: Entry, node: PathNode): Entry {
  const any = node.children.get("*");
  let out = obj;
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    const v = obj[k];
    // A key may match exactly and as "*" (req and *.authorization): both apply, in turn.
    const exact = node.children.get(k);
    let next = exact ? apply(v, exact) : v;
    if (any) next = apply(next, any);
    if (next !== v) {
      if (out === obj) out = { ...obj };
      out[k] = next;
    }
  }
  return out;
}

/**
 * The redaction, compiled once per logger into a tree walked once per line. (pino 10's `redact`
 * option re-parses every path on every line it writes: README, performance.)
 */
function redactor(extra?: string[]): (entry: Entry) => Entry {
  const tree = pathTree(redactionPaths(extra));
  return (entry) => censor(entry, tree);
}

/**
 * The fields of the current scope (withLogFields) and the active span's ids, so a log line leads
 * to its trace and back. A mixin runs only for lines actually written: binding fields costs an
 * object per scope, not a pino child (which re-parses every redaction path: a fifth of the CPU of
 * a trivial request when it was done twice per request).
 */
function scopeMixin(): Record<string, unknown> {
  const fields = storage.getStore()?.fields;
  const span = trace.getActiveSpan();
  const ctx = span?.spanContext();
  const ids =
    ctx && ctx.traceId !== "00000000000000000000000000000000"
      ? { trace_id: ctx.traceId, span_id: ctx.spanId }
      : undefined;
  // A fresh object: pino merges the entry's own fields into what the mixin returns.
  return { ...fields, ...ids };
}

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
const COLORS: Record<number, string> = { 10: "90", 20: "36", 30: "32", 40: "33", 50: "31", 60: "35" };

/**
 * Human-readable output written in-process. pino's worker transports (pino-pretty) hang or
 * crash inside a `bun build --compile` binary, so development output cannot use them.
 */
export function prettyStream(
  out: { write(s: string): unknown } = process.stdout,
  color = Boolean(process.stdout.isTTY),
): DestinationStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        out.write(line);
        return;
      }
      const {
        level,
        time,
        msg,
        pid: _pid,
        hostname: _host,
        name: _name,
        ...rest
      } = entry as Record<string, unknown> & { level: number };
      const ts = new Date(Number(time)).toISOString().slice(11, 23);
      const lvl = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
      const lvlText = color ? `\x1b[${COLORS[level] ?? "0"}m${lvl}\x1b[0m` : lvl;
      const fields = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ");
      out.write(`${ts} ${lvlText} ${msg ?? ""}${fields ? ` ${fields}` : ""}\n`);
    },
  };
}

const pendingTurns = new Set<() => void>();
let exitHooked = false;
let pause: Int32Array | undefined;

/** Writes all of `data` to `fd`, blocking: a non-blocking pipe that is full is waited for, as pino's sync mode does. */
function writeAll(fd: number, data: string): void {
  const bytes = Buffer.from(data);
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off);
    } catch (e) {
      if ((e as { code?: string }).code !== "EAGAIN") throw e;
      pause ??= new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/**
 * A file descriptor written once per event-loop turn: the lines of a turn are joined and written
 * synchronously (blocking, like pino's sync destination) before the next I/O poll, or as soon as
 * 64 KiB are waiting, and at exit (a line per `write(2)` costs more: README, performance);
 * what a crash can lose is the
 * current turn's lines, never an earlier turn's.
 */
export function turnDestination(fd = 1): DestinationStream & { flushSync(): void } {
  let buffered = "";
  let scheduled = false;
  const flushSync = () => {
    if (!buffered) return;
    const out = buffered;
    buffered = "";
    writeAll(fd, out);
  };
  const onTurn = () => {
    scheduled = false;
    flushSync();
  };
  pendingTurns.add(flushSync);
  if (!exitHooked) {
    exitHooked = true;
    process.on("exit", () => {
      for (const flush of pendingTurns) flush();
    });
  }
  return {
    write(line: string) {
      buffered += line;
      if (buffered.length >= 65_536) flushSync();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(onTurn);
      }
    },
    flushSync,
  };
}

/** The root logger of a process, built from config. */
export function createLogger(cfg: LoggerConfig = {}): Logger {
  const options: LoggerOptions = {
    level: cfg.level ?? "info",
    name: cfg.name,
    base: { ...(cfg.base ?? {}) },
    mixin: scopeMixin,
    timestamp: pino.stdTimeFunctions.epochTime,
    formatters: { level: (_label, number) => ({ level: number }), log: redactor(cfg.redact) },
    serializers: { err: pino.stdSerializers.err },
  };
  const destination = cfg.destination ?? (cfg.format === "pretty" ? prettyStream() : turnDestination(1));
  return pino(options, destination);
}

interface Scope {
  /** The logger of the scope (the root one unless withLogger set another). */
  logger?: Logger;
  /** Fields every line written in the scope carries (see scopeMixin). */
  fields: Record<string, unknown>;
}
const storage = new AsyncLocalStorage<Scope>();
let root: Logger = createLogger({ level: "info" });

/** Sets the logger returned by log() outside any scope. */
export function setRootLogger(logger: Logger): void {
  root = logger;
}

export function rootLogger(): Logger {
  return root;
}

/** The logger of the current request, message or job; its lines carry the scope's fields. */
export function log(): Logger {
  return storage.getStore()?.logger ?? root;
}

/** Runs fn with these fields added to every line written by everything it calls. */
export function withLogFields<T>(fields: Record<string, unknown>, fn: () => T): T {
  const cur = storage.getStore();
  return storage.run({ logger: cur?.logger, fields: cur ? { ...cur.fields, ...fields } : fields }, fn);
}

/** Runs fn with exactly this logger as the current one (fields of the scope kept). */
export function withLogger<T>(logger: Logger, fn: () => T): T {
  return storage.run({ logger, fields: storage.getStore()?.fields ?? {} }, fn);
}

/**
 * Adds fields to the current scope from here on, for frameworks whose hooks cannot wrap the
 * handler: the scope is changed in place, so the rest of the request sees them (enterWith in an
 * async hook would not reach the handler).
 */
export function enterLogFields(fields: Record<string, unknown>): void {
  const cur = storage.getStore();
  if (cur) cur.fields = { ...cur.fields, ...fields };
  else storage.enterWith({ fields });
}

export interface CapturedEntry {
  level: number;
  levelName: string;
  msg?: string;
  [key: string]: unknown;
}

/**
 * For tests: a logger with the production options that keeps entries in memory.
 * `run(fn)` makes it the current logger for fn, so code that calls log() is captured too.
 */
export function captureLogs(cfg: Omit<LoggerConfig, "destination" | "format"> = {}) {
  const entries: CapturedEntry[] = [];
  const logger = createLogger({
    level: "trace",
    ...cfg,
    destination: {
      write(line: string) {
        const e = JSON.parse(line);
        entries.push({ ...e, levelName: (LEVEL_NAMES[e.level] ?? "").toLowerCase() });
      },
    },
  });
  return {
    logger,
    entries,
    run<T>(fn: () => T): T {
      return withLogger(logger, fn);
    },
    find(msg: string | RegExp): CapturedEntry | undefined {
      return entries.find((e) => (typeof msg === "string" ? e.msg === msg : msg.test(String(e.msg))));
    },
    text(): string {
      return entries.map((e) => JSON.stringify(e)).join("\n");
    },
  };
}
