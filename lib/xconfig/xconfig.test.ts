import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConfigError,
  Duration,
  REDACTED,
  Secret,
  describeEnv,
  envName,
  formatEnvMarkdown,
  formatEnvTable,
  leaves,
  load,
  parseDuration,
  redact,
  t,
} from "./index.ts";

const Schema = t.Object({
  http: t.Object({
    port: t.Integer({ default: 8080, minimum: 1, maximum: 65535 }),
    bodyLimit: t.Integer({ default: 1048576 }),
    requestTimeout: Duration({ default: "5s" }),
  }),
  log: t.Object({
    level: t.Union([t.Literal("debug"), t.Literal("info"), t.Literal("warn")], { default: "info" }),
    pretty: t.Boolean({ default: false }),
  }),
  kafka: t.Object({
    brokers: t.Array(t.String(), { default: ["127.0.0.1:9092"], minItems: 1 }),
    clientId: t.String({ default: "courses" }),
  }),
  mongo: t.Object({
    url: Secret({ default: "mongodb://127.0.0.1:27017" }),
    database: t.String(),
  }),
});

const dir = mkdtempSync(join(tmpdir(), "xconfig-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function yaml(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("env names", () => {
  it("derives names from the schema path, camelCase and nesting becoming _", () => {
    expect(envName("COURSES_", ["http", "bodyLimit"])).toBe("COURSES_HTTP_BODY_LIMIT");
    expect(envName("COURSES_", ["kafka", "clientId"])).toBe("COURSES_KAFKA_CLIENT_ID");
    expect(envName("X_", ["otlpURL"])).toBe("X_OTLP_URL");
    expect(leaves(Schema, "COURSES_").map((l) => l.env)).toContain("COURSES_MONGO_URL");
  });

  it("rejects a schema where two leaves would share a name", () => {
    const Bad = t.Object({ kafka: t.Object({ clientId: t.String(), client: t.Object({ id: t.String() }) }) });
    expect(() => leaves(Bad, "P_")).toThrow(/kafka.clientId and kafka.client.id both map to P_KAFKA_CLIENT_ID/);
  });
});

describe("load", () => {
  it("applies defaults, then files in order, then the environment", () => {
    const base = yaml("base.yaml", "http:\n  port: 9000\nmongo:\n  database: courses\nkafka:\n  clientId: from-base\n");
    const local = yaml("local.yaml", "kafka:\n  clientId: from-local\n");
    const { config, sources } = load(Schema, {
      prefix: "COURSES_",
      files: [base, local],
      env: {
        COURSES_HTTP_PORT: "9100",
        COURSES_KAFKA_BROKERS: "a:1, b:2",
        COURSES_LOG_PRETTY: "yes",
        COURSES_HTTP_REQUEST_TIMEOUT: "1m30s",
      },
    });
    expect(config.http.port).toBe(9100);
    expect(config.http.bodyLimit).toBe(1048576);
    expect(config.http.requestTimeout).toBe(90_000);
    expect(config.kafka.brokers).toEqual(["a:1", "b:2"]);
    expect(config.kafka.clientId).toBe("from-local");
    expect(config.log.pretty).toBe(true);
    expect(config.mongo.database).toBe("courses");
    expect(sources["http.port"]).toBe("env COURSES_HTTP_PORT");
    expect(sources["kafka.clientId"]).toBe(`file ${local} key kafka.clientId`);
    expect(sources["http.bodyLimit"]).toBe("default");
  });

  it("coerces durations written in YAML and JSON arrays from env", () => {
    const f = yaml("d.yaml", "http:\n  requestTimeout: 250ms\nmongo:\n  database: x\n");
    const { config } = load(Schema, { prefix: "C_", files: [f], env: { C_KAFKA_BROKERS: '["x:1","y:2"]' } });
    expect(config.http.requestTimeout).toBe(250);
    expect(config.kafka.brokers).toEqual(["x:1", "y:2"]);
  });

  it("coerces lists of objects field by field, with defaults, from YAML and from a JSON variable", () => {
    const Jobs = t.Object({
      jobs: t.Array(
        t.Object(
          { name: t.String(), every: Duration({ default: "1m" }), on: t.Boolean({ default: true }) },
          { additionalProperties: false },
        ),
        { default: [] },
      ),
    });
    const f = yaml("jobs.yaml", "jobs:\n  - name: a\n    every: 5s\n  - name: b\n    on: 'no'\n");
    expect(load(Jobs, { prefix: "J_", files: [f], env: {} }).config.jobs).toEqual([
      { name: "a", every: 5000, on: true },
      { name: "b", every: 60_000, on: false },
    ]);
    const env = { J_JOBS: '[{"name":"c","every":"250ms"}]' };
    expect(load(Jobs, { prefix: "J_", env }).config.jobs).toEqual([{ name: "c", every: 250, on: true }]);
    expect(() => load(Jobs, { prefix: "J_", env: { J_JOBS: '[{"name":"d","every":"soon"}]' } })).toThrow(/J_JOBS/);
    expect(() => load(Jobs, { prefix: "J_", env: { J_JOBS: '[{"name":"e","extra":1}]' } })).toThrow(/jobs/);
  });

  it("reports every problem at once with path, expectation, value and source", () => {
    const f = yaml("bad.yaml", "http:\n  prot: 80\n  port: eighty\nlog:\n  level: loud\n");
    const err = errorOf(() =>
      load(Schema, {
        prefix: "COURSES_",
        files: [f],
        env: { COURSES_LOG_PRETTY: "maybe", COURSES_HTTP_BODY_LIMIT: "1.5" },
      }),
    );
    const byPath = Object.fromEntries(err.issues.map((i) => [i.path, i]));
    expect(byPath["http.prot"]).toMatchObject({ got: "an unknown key", source: `file ${f} key http.prot` });
    expect(byPath["http.prot"]!.expected).toContain("did you mean 'port'?");
    expect(byPath["http.port"]).toMatchObject({
      expected: "integer",
      got: '"eighty"',
      source: `file ${f} key http.port`,
    });
    expect(byPath["log.pretty"]).toMatchObject({
      expected: "boolean",
      got: '"maybe"',
      source: "env COURSES_LOG_PRETTY",
    });
    expect(byPath["log.level"]!.expected).toBe('one of "debug", "info", "warn"');
    expect(byPath["http.bodyLimit"]).toMatchObject({ source: "env COURSES_HTTP_BODY_LIMIT", got: "1.5" });
    expect(byPath["mongo.database"]!.source).toBe("nothing (set COURSES_MONGO_DATABASE)");
    expect(err.issues.length).toBe(6);
    expect(err.message).toContain("6 problems");
  });

  it("reports a range violation with the constraint", () => {
    const err = errorOf(() => load(Schema, { prefix: "C_", env: { C_HTTP_PORT: "70000", C_MONGO_DATABASE: "d" } }));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.path).toBe("http.port");
    expect(err.issues[0]!.expected).toContain("65535");
  });

  it("names a missing file and broken YAML", () => {
    const broken = yaml("broken.yaml", "http: [unclosed\n");
    const err = errorOf(() =>
      load(Schema, { prefix: "C_", files: [join(dir, "nope.yaml"), broken], env: { C_MONGO_DATABASE: "d" } }),
    );
    expect(err.issues.map((i) => i.source)).toEqual([`file ${join(dir, "nope.yaml")}`, `file ${broken}`]);
  });

  it("skips optional files that do not exist", () => {
    const { config } = load(Schema, {
      prefix: "C_",
      optionalFiles: [join(dir, "absent.yaml")],
      env: { C_MONGO_DATABASE: "d" },
    });
    expect(config.mongo.database).toBe("d");
  });

  it("never shows a secret's value in an error", () => {
    const f = yaml("s.yaml", "mongo:\n  url: 12345\n  database: d\n");
    const err = errorOf(() => load(Schema, { prefix: "C_", files: [f] }));
    expect(err.message).not.toContain("12345");
    expect(err.issues[0]!.got).toContain("hidden");
  });
});

describe("secrets and the env listing", () => {
  const loaded = load(Schema, {
    prefix: "COURSES_",
    env: { COURSES_MONGO_URL: "mongodb://user:pw@db:27017", COURSES_MONGO_DATABASE: "d" },
  });

  it("redacts secret leaves in a copy", () => {
    const r = redact(Schema, loaded.config);
    expect(r.mongo.url).toBe(REDACTED);
    expect(loaded.config.mongo.url).toBe("mongodb://user:pw@db:27017");
    expect(JSON.stringify(r)).not.toContain("pw@");
  });

  it("lists every env variable with type, default, source and redacted value", () => {
    const rows = describeEnv(Schema, "COURSES_", loaded);
    expect(rows).toHaveLength(leaves(Schema, "COURSES_").length);
    const url = rows.find((r) => r.name === "COURSES_MONGO_URL")!;
    expect(url).toMatchObject({ secret: true, source: "env COURSES_MONGO_URL", value: REDACTED, default: REDACTED });
    expect(rows.find((r) => r.name === "COURSES_HTTP_REQUEST_TIMEOUT")).toMatchObject({
      type: "duration (e.g. 250ms, 5s, 1m)",
      default: "5000",
      source: "default",
    });
    expect(rows.find((r) => r.name === "COURSES_MONGO_DATABASE")!.default).toBe("(required)");
    const table = formatEnvTable(rows);
    expect(table.split("\n")[0]).toMatch(/^NAME\s+TYPE\s+DEFAULT\s+SOURCE\s+VALUE$/);
    expect(table).not.toContain("user:pw");
  });
});

describe("formatEnvMarkdown", () => {
  it("renders one row per variable, marking secrets and escaping pipes", () => {
    const md = formatEnvMarkdown(describeEnv(Schema, "COURSES_"));
    const lines = md.split("\n");
    expect(lines[0]).toBe("| variable | type | default | description |");
    expect(lines).toHaveLength(2 + leaves(Schema, "COURSES_").length);
    expect(md).toContain("| `COURSES_MONGO_URL` | string | `[REDACTED]` |  (secret) |");
    expect(md).toContain("| `COURSES_MONGO_DATABASE` | string | (required) |");
  });
});

describe("parseDuration", () => {
  it("parses units and compounds, rejects garbage", () => {
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("5s")).toBe(5000);
    expect(parseDuration("1m")).toBe(60000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1500")).toBe(1500);
    expect(parseDuration("5 minutes")).toBeUndefined();
    expect(parseDuration("")).toBeUndefined();
  });
});
