// Regenerates every artifact derived from the code: docs/openapi.json, the TypeScript client
// types used by the end-to-end tests, the Go client, and the configuration reference
// docs/CONFIG.md. `bun run gen`; the contract tests fail when any of them is stale.
import { join } from "node:path";
import { DASHBOARDS, toGrafana } from "../ops/grafana/dashboards.ts";
import { catalogJsonSchema } from "../src/adapters/scraper/catalog.ts";

export const ROOT = join(import.meta.dir, "..");
export const SPEC = join(ROOT, "docs/openapi.json");
export const TS_SCHEMA = join(ROOT, "test/client/schema.ts");
export const GO_DIR = join(ROOT, "clients/go");
export const GO_CLIENT = join(GO_DIR, "courses.gen.go");
export const CONFIG_DOC = join(ROOT, "docs/CONFIG.md");
export const CATALOG_SCHEMA = join(ROOT, "docs/catalog.schema.json");
export const DASHBOARD_DIR = join(ROOT, "ops/grafana/dashboards");

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

${table}`;
}

export async function tsSchema(specPath: string): Promise<string> {
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  const ast = await openapiTS(new URL(`file://${specPath}`));
  return `// Generated from docs/openapi.json by \`bun run gen\` (openapi-typescript). Do not edit.\n${astToString(ast)}`;
}

/** Runs oapi-codegen (a Go tool of clients/go) on specPath, writing outFile. */
export async function goClient(specPath: string, outFile: string): Promise<void> {
  // The config names its own output file; point a copy of it at outFile.
  const config = `${outFile}.oapi-codegen.yaml`;
  const base = await Bun.file(join(GO_DIR, "oapi-codegen.yaml")).text();
  await Bun.write(config, base.replace(/^output: .*$/m, `output: ${outFile}`));
  const proc = Bun.spawn(["go", "tool", "oapi-codegen", "-config", config, specPath], {
    cwd: GO_DIR,
    stdout: "pipe",
    stderr: "pipe",
  });
  const err = await new Response(proc.stderr).text();
  const code = await proc.exited;
  await Bun.file(config).delete();
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
  console.log(
    "regenerated docs/openapi.json, test/client/schema.ts, clients/go/courses.gen.go, docs/CONFIG.md, docs/catalog.schema.json, ops/grafana/dashboards/*.json",
  );
}
