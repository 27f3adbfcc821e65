// The API contract: the committed spec is what the service serves, it is valid OpenAPI, and the
// clients generated from it (TypeScript for our tests, Go for consumers) are current and build.
import { describe, expect, it } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validate } from "@readme/openapi-parser";
import { contractErrors } from "../support/contract.ts";
import {
  GO_CLIENT,
  GO_DIR,
  SPEC,
  TS_SCHEMA,
  currentSpec,
  goClient,
  goStrictServer,
  tsSchema,
  typescriptFetchClient,
} from "../../scripts/gen-clients.ts";

/**
 * `go vet ./...` in dir: its exit code and what it printed besides the module fetches a cold cache
 * prints ("go: downloading …", "go: finding …"); anything else is a finding.
 */
async function goVet(dir: string, env: Record<string, string> = {}): Promise<{ code: number; err: string }> {
  const vet = Bun.spawn(["go", "vet", "./..."], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...env },
  });
  const err = (await new Response(vet.stderr).text())
    .split("\n")
    .filter((l) => l && !l.startsWith("go: downloading ") && !l.startsWith("go: finding "))
    .join("\n");
  return { code: await vet.exited, err };
}

const STALE = "is stale: run `bun run gen` and commit the result";

describe("OpenAPI contract", () => {
  it("docs/openapi.json is exactly what the service serves", async () => {
    expect(await currentSpec(), `docs/openapi.json ${STALE}`).toBe(readFileSync(SPEC, "utf8"));
  });

  it("validates with zero errors and zero warnings", async () => {
    const result = await validate(SPEC);
    expect(result).toMatchObject({ valid: true, warnings: [] });
  });

  it("documents every operation with an operationId, a tag and problem responses", () => {
    const spec = JSON.parse(readFileSync(SPEC, "utf8"));
    const ops = Object.values(
      spec.paths as Record<
        string,
        Record<
          string,
          { operationId?: string; tags?: string[]; responses: Record<string, { content?: Record<string, unknown> }> }
        >
      >,
    ).flatMap((item) => Object.values(item));
    expect(ops.length).toBe(13);
    for (const op of ops) {
      expect(op.operationId).toBeTruthy();
      expect(op.tags?.length).toBeGreaterThan(0);
      for (const [status, res] of Object.entries(op.responses)) {
        if (Number(status) >= 400)
          expect(Object.keys(res.content ?? {}), `${op.operationId} ${status}`).toEqual(["application/problem+json"]);
      }
    }
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
    // Exact types: no "string or number" unions from lenient schema helpers (t.Numeric, t.Integer).
    const lenient: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== "object") return;
      const branches = (node as { anyOf?: { type?: string }[] }).anyOf;
      if (
        branches?.some((b) => b.type === "string") &&
        branches.some((b) => b.type === "number" || b.type === "integer")
      )
        lenient.push(path);
      for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
    };
    walk(spec, "");
    expect(lenient).toEqual([]);
  });

  it("the TypeScript client types are generated from the current spec", async () => {
    expect(await tsSchema(SPEC), `test/client/schema.ts ${STALE}`).toBe(readFileSync(TS_SCHEMA, "utf8"));
  });

  it("the Go client is generated from the current spec and compiles", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goclient-"));
    try {
      const out = join(dir, "courses.gen.go");
      await goClient(SPEC, out);
      expect(readFileSync(out, "utf8"), `clients/go/courses.gen.go ${STALE}`).toBe(readFileSync(GO_CLIENT, "utf8"));
      expect(await goVet(GO_DIR)).toEqual({ code: 0, err: "" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it("a typescript-fetch client (openapi-generator) compiles with tsc --strict a program that uses both source kinds, If-Match and a merge-patch null", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsfetch-"));
    try {
      await typescriptFetchClient(SPEC, join(dir, "client"));
      writeFileSync(
        join(dir, "use.ts"),
        `import { type CourseSource, Configuration, CoursesApi } from "./client/index";

// One type per kind: narrowing on kind gives each its own fields.
export function describeSource(s: CourseSource): string {
  switch (s.kind) {
    case "manual":
      return "written by hand";
    case "catalog":
      return \`\${s.catalog} \${s.externalId} \${s.url}\`;
  }
}
export const manual: CourseSource = { kind: "manual" };
export const catalog: CourseSource = { kind: "catalog", catalog: "partner", externalId: "42", url: "https://partner.example/42" };
// @ts-expect-error a manual source has no catalog: reading it without narrowing does not compile
export const wrong: string = manual.catalog;

const api = new CoursesApi(new Configuration({ basePath: "http://localhost:8080" }));
// The conditional header and a merge-patch null (clear the summary) without hand-written headers.
export const patched = api.updateCourse({
  id: "01a23c2d-e0b5-746f-a658-7a3fff40ac93",
  ifMatch: '"3"',
  coursePatch: { summary: null },
});
`,
      );
      const tsc = Bun.spawn(
        [
          join(import.meta.dir, "../../node_modules/.bin/tsc"),
          "--strict",
          "--noEmit",
          "--target",
          "es2022",
          "--module",
          "esnext",
          "--moduleResolution",
          "bundler",
          "--lib",
          "es2022,dom",
          "--skipLibCheck",
          join(dir, "use.ts"),
        ],
        { stdout: "pipe", stderr: "pipe" },
      );
      const [out, code] = await Promise.all([new Response(tsc.stdout).text(), tsc.exited]);
      expect({ code, out }).toEqual({ code: 0, out: "" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it("a Go strict server generated from the spec (oapi-codegen std-http-server + strict-server) builds and vets", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gostrict-"));
    try {
      await goStrictServer(SPEC, dir);
      const source = readFileSync(join(dir, "server.gen.go"), "utf8");
      // What the contract promises a server: the conditional headers reach the handler, every
      // operation has a typed default (problem+json) answer, the source is a discriminated union.
      const has = (needle: string) => source.includes(needle);
      // gofmt aligns a struct's field types: any run of spaces between name and type.
      const hasField = (name: string, type: string) =>
        new RegExp(`\\b${name} +${type.replace(/[[\]]/g, "\\$&")} `).test(source);
      expect({
        ifMatch: has("IfMatch *string"),
        ifNoneMatch: has("IfNoneMatch *string"),
        discriminated: has("func (t CourseSource) ValueByDiscriminator()"),
        defaultAnswer: has("type GetCoursedefaultApplicationProblemPlusJSONResponse struct"),
        nullablePatch: hasField("Summary", "nullable.Nullable[string]"),
      }).toEqual({ ifMatch: true, ifNoneMatch: true, discriminated: true, defaultAnswer: true, nullablePatch: true });
      expect(await goVet(dir, { GOFLAGS: "-mod=mod" })).toEqual({ code: 0, err: "" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe("OpenAPI examples", () => {
  it("every example in the document is valid against its own schema", async () => {
    const spec = JSON.parse(readFileSync(SPEC, "utf8"));
    let checked = 0;
    for (const item of Object.values(
      spec.paths as Record<
        string,
        Record<
          string,
          { responses: Record<string, { content?: Record<string, { schema: { $ref: string }; example?: unknown }> }> }
        >
      >,
    )) {
      for (const op of Object.values(item)) {
        for (const res of Object.values(op.responses)) {
          for (const media of Object.values(res.content ?? {})) {
            if (media.example === undefined) continue;
            expect(contractErrors(media.schema.$ref, media.example)).toEqual([]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});
