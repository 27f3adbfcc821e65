// Regenerates every artifact derived from the code: docs/openapi.json, the TypeScript client
// types used by the end-to-end tests, the Go client, and the configuration reference
// docs/CONFIG.md. `bun run gen`; the contract tests fail when any of them is stale.
import { join } from "node:path";
import { DASHBOARDS, toGrafana } from "../ops/grafana/dashboards.ts";
import { ensureOpenApiGenerator } from "../ops/stack/services.ts";
import { catalogJsonSchema } from "../src/adapters/scraper/catalog.ts";
import { CONFIG_RULES } from "../src/config-rules.ts";
import { createMetrics } from "../src/adapters/telemetry/metrics.ts";

export const ROOT = join(import.meta.dir, "..");
export const SPEC = join(ROOT, "docs/openapi.json");
export const TS_SCHEMA = join(ROOT, "test/client/schema.ts");
export const GO_DIR = join(ROOT, "clients/go");
export const GO_CLIENT = join(GO_DIR, "courses.gen.go");
export const CONFIG_DOC = join(ROOT, "docs/CONFIG.md");
export const CATALOG_SCHEMA = join(ROOT, "docs/catalog.schema.json");
export const DASHBOARD_DIR = join(ROOT, "ops/grafana/dashboards");
export const METRICS_DOC = join(ROOT, "docs/METRICS.md");

/** docs/METRICS.md: every metric family /metrics serves, from the registry itself. */
export function metricsReference(): string {
  const { registry } = createMetrics(
    { service: "courses", environment: "doc" },
    { version: "", revision: "", runtime: "" },
  );
  const rows = (
    registry.getMetricsAsArray() as unknown as {
      name: string;
      help: string;
      labelNames?: string[];
      constructor: { name: string };
    }[]
  ).map(
    (m) =>
      `| \`${m.name}\` | ${m.constructor.name.toLowerCase()} | ${(m.labelNames ?? []).map((l) => `\`${l}\``).join(", ")} | ${m.help.replaceAll("|", "\\|")} |`,
  );
  return `# Metrics

Generated from \`src/adapters/telemetry/metrics.ts\` by \`bun run gen\`; do not edit. Every family
\`/metrics\` serves, on every instance whatever its modules (families of a module that does not run
stay empty). Every series also carries \`service\` and \`environment\`; Prometheus adds \`job\` and
\`instance\`. Labels are bounded: routes are templates (\`/v1/courses/:id\`, unknown paths are
\`unmatched\`), sources are the configured scraper sources, topics and partitions are the service's
own; no ids, no user input.

| metric | type | labels | meaning |
|---|---|---|---|
${rows.join("\n")}

## Formats

\`/metrics\` answers in the Prometheus text format, or in OpenMetrics when the scraper's \`Accept\`
asks for \`application/openmetrics-text\` (Prometheus does by default): then
\`http_request_duration_seconds\` buckets carry a \`trace_id\` exemplar of a sampled request that
fell in them, so a slow bucket leads to its trace (Grafana's Prometheus datasource links exemplars
to Jaeger; Prometheus needs \`--enable-feature=exemplar-storage\`, which the stack and compose set).
\`promtool check metrics\` reports nothing on the text format (a test checks it on the binary).

## Under Bun

prom-client's default collectors are Node's: under Bun nine of the ten \`nodejs_heap_space_*\`
series are always 0, there is no GC metric, and three gauges end in \`_total\`. They are not used.
Instead: the standard \`process_*\` families from \`process.cpuUsage()\`, \`memoryUsage()\` and
\`/proc\`; \`bun_heap_*\` from \`bun:jsc\` \`heapStats()\`; \`runtime_event_loop_lag_seconds\` from
\`perf_hooks.monitorEventLoopDelay\` (reset at each scrape). Bun exposes no GC events or totals, so
there is no GC metric.

## Alerts and dashboards

Alerts and recording rules: \`ops/prometheus/rules/courses.yml\` (SLO burn rates, outbox, consumer
lag, dead letters, scraper, instance down), unit-tested in \`ops/prometheus/rules-tests/\`.
Dashboards: \`ops/grafana/dashboards/\` (service overview, runtime, MongoDB/Kafka/outbox,
scraper), generated from \`ops/grafana/dashboards.ts\`; open them with
\`docker compose -f compose.observability.yml up -d\` → http://localhost:3000 (docs/BUILD_README.md).
`;
}

/** ops/grafana/dashboards/<uid>.json, from ops/grafana/dashboards.ts. */
export function dashboardFiles(): { path: string; text: string }[] {
  return DASHBOARDS.map((d) => ({
    path: join(DASHBOARD_DIR, `${d.uid}.json`),
    text: `${JSON.stringify(toGrafana(d), null, 2)}\n`,
  }));
}

/** docs/catalog.schema.json: the catalog format's JSON Schema, from src/adapters/scraper/catalog.ts. */
export function catalogSchema(): string {
  return `${JSON.stringify(catalogJsonSchema(), null, 2)}\n`;
}

/** The document the service serves, as `courses openapi` prints it. */
export async function currentSpec(): Promise<string> {
  const proc = Bun.spawn(["bun", join(ROOT, "src/main.ts"), "openapi"], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "inherit",
  });
  const text = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error("`bun src/main.ts openapi` failed");
  return text;
}

/** docs/CONFIG.md: every COURSES_* variable, from the config schema. */
export async function configReference(): Promise<string> {
  const proc = Bun.spawn(["bun", join(ROOT, "src/main.ts"), "config", "--markdown"], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "inherit",
  });
  const table = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error("`bun src/main.ts config --markdown` failed");
  return `# Configuration reference

Generated from \`src/config.ts\` by \`bun run gen\`; do not edit. Values come from the schema's
defaults, then \`config/courses.yaml\` (or the files in \`COURSES_CONFIG_FILES\`), then these
variables. Durations take \`250ms\`, \`5s\`, \`1m\`, \`2h\`; lists take \`a,b\` or a JSON array.
\`courses config\` (or \`bun src/main.ts config\` from source) shows the current value of each and where it came from.

## Rules across settings

Checked when the configuration loads, before anything connects (\`src/config-rules.ts\`); each
broken rule is one line naming the setting, and the process exits 1:

${CONFIG_RULES.map((r) => `- ${r}`).join("\n")}

Credentials written into any URL setting (\`https://user:pass@host/…\`) are a secret: \`courses
config\`, configuration errors and the start-up line show \`[REDACTED]\` in their place, and the
scraper sends a source's credentials as Basic authentication to its origin only, never keeping
them in a URL it stores, logs or emits.

## Variables

${table}`;
}

export async function tsSchema(specPath: string): Promise<string> {
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  const ast = await openapiTS(new URL(`file://${specPath}`));
  return `// Generated from docs/openapi.json by \`bun run gen\` (openapi-typescript). Do not edit.\n${astToString(ast)}`;
}

/** Runs oapi-codegen (a Go tool of clients/go) on specPath, writing outFile with clients/go's config. */
export async function goClient(specPath: string, outFile: string): Promise<void> {
  // The config names its own output file; point a copy of it at outFile.
  const base = await Bun.file(join(GO_DIR, "oapi-codegen.yaml")).text();
  await oapiCodegen(specPath, outFile, base.replace(/^output: .*$/m, `output: ${outFile}`));
}

/**
 * A Go server generated from specPath by oapi-codegen (`std-http-server`, `strict-server`) in a
 * module of its own at dir, with clients/go's dependencies: what a team writing a server for this
 * contract would start from. The contract test vets it.
 */
export async function goStrictServer(specPath: string, dir: string): Promise<void> {
  const goMod = await Bun.file(join(GO_DIR, "go.mod")).text();
  await Bun.write(join(dir, "go.mod"), goMod.replace(/^module .*$/m, "module strictcheck").replace(/^tool .*$/m, ""));
  await Bun.write(join(dir, "go.sum"), Bun.file(join(GO_DIR, "go.sum")));
  const out = join(dir, "server.gen.go");
  await oapiCodegen(
    specPath,
    out,
    `package: strictcheck
output: ${out}
generate:
  models: true
  std-http-server: true
  strict-server: true
output-options:
  nullable-type: true
`,
  );
}

/**
 * A typescript-fetch client generated from specPath by openapi-generator (Java, from Maven
 * Central), written to dir: what a TypeScript team would generate. The contract test compiles a
 * program against it with tsc --strict.
 */
export async function typescriptFetchClient(specPath: string, dir: string): Promise<void> {
  const jar = await ensureOpenApiGenerator();
  const proc = Bun.spawn(["java", "-jar", jar, "generate", "-i", specPath, "-g", "typescript-fetch", "-o", dir], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`openapi-generator failed (${code}): ${(out + err).slice(-3000)}`);
}

async function oapiCodegen(specPath: string, outFile: string, config: string): Promise<void> {
  const configFile = `${outFile}.oapi-codegen.yaml`;
  await Bun.write(configFile, config);
  const proc = Bun.spawn(["go", "tool", "oapi-codegen", "-config", configFile, specPath], {
    cwd: GO_DIR,
    stdout: "pipe",
    stderr: "pipe",
  });
  const err = await new Response(proc.stderr).text();
  const code = await proc.exited;
  await Bun.file(configFile).delete();
  if (code !== 0) throw new Error(`oapi-codegen failed: ${err}`);
}

if (import.meta.main) {
  const spec = await currentSpec();
  await Bun.write(SPEC, spec);
  await Bun.write(TS_SCHEMA, await tsSchema(SPEC));
  await goClient(SPEC, GO_CLIENT);
  await Bun.write(CONFIG_DOC, await configReference());
  await Bun.write(CATALOG_SCHEMA, catalogSchema());
  for (const f of dashboardFiles()) await Bun.write(f.path, f.text);
  await Bun.write(METRICS_DOC, metricsReference());
  console.log(
    "regenerated docs/openapi.json, test/client/schema.ts, clients/go/courses.gen.go, docs/CONFIG.md, docs/catalog.schema.json, ops/grafana/dashboards/*.json, docs/METRICS.md",
  );
}
