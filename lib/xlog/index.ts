// xlog: a pino logger carried through AsyncLocalStorage.
//
// Code calls log() and gets the logger bound to the current request, message or job; the
// active OpenTelemetry span's trace_id/span_id are added to every entry automatically.
// Secrets (authorization, cookies, passwords, tokens, configured paths) are redacted.
import { AsyncLocalStorage } from "node:async_hooks";
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

function redactPaths(extra: string[] = []): string[] {
  const paths = new Set<string>();
  for (const key of DEFAULT_REDACT_KEYS) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const dot = k.startsWith("[") ? "" : ".";
    paths.add(k);
    paths.add(`*${dot}${k}`);
    paths.add(`headers${dot}${k}`);
    paths.add(`req.headers${dot}${k}`);
  }
  for (const p of extra) paths.add(p);
  return [...paths];
}

/** Adds the active span's ids, so a log line leads to its trace and back. */
function traceMixin(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  if (!ctx || ctx.traceId === "00000000000000000000000000000000") return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
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

/** The root logger of a process, built from config. */
export function createLogger(cfg: LoggerConfig = {}): Logger {
  const options: LoggerOptions = {
    level: cfg.level ?? "info",
    name: cfg.name,
    base: { ...(cfg.base ?? {}) },
    redact: { paths: redactPaths(cfg.redact), censor: REDACTED },
    mixin: traceMixin,
    timestamp: pino.stdTimeFunctions.epochTime,
    formatters: { level: (_label, number) => ({ level: number }) },
    serializers: { err: pino.stdSerializers.err },
  };
  const destination =
    cfg.destination ?? (cfg.format === "pretty" ? prettyStream() : pino.destination({ fd: 1, sync: true }));
  return pino(options, destination);
}

const storage = new AsyncLocalStorage<Logger>();
let root: Logger = createLogger({ level: "info" });

/** Sets the logger returned by log() outside any scope. */
export function setRootLogger(logger: Logger): void {
  root = logger;
}

export function rootLogger(): Logger {
  return root;
}

/** The logger of the current request, message or job; the root logger outside any scope. */
export function log(): Logger {
  return storage.getStore() ?? root;
}

/** Runs fn with a child of the current logger bound to these fields, for everything it calls. */
export function withLogFields<T>(fields: Record<string, unknown>, fn: () => T): T {
  return storage.run(log().child(fields), fn);
}

/** Runs fn with exactly this logger as the current one. */
export function withLogger<T>(logger: Logger, fn: () => T): T {
  return storage.run(logger, fn);
}

/** Binds fields to the current scope from here on (for frameworks whose hooks cannot wrap the handler). */
export function enterLogFields(fields: Record<string, unknown>): Logger {
  const child = log().child(fields);
  storage.enterWith(child);
  return child;
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
