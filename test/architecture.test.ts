// The layering rules, checked on every import of every source file.
import { describe, expect, it } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";

const ROOT = resolve(import.meta.dir, "..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "node_modules" ? [] : sources(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [
    ...text.matchAll(
      /(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gm,
    ),
  ];
  return specs.map((m) => m[1] ?? m[2] ?? m[3]!).filter(Boolean);
}

/** Imports of `file` that resolve into `forbiddenDir`, or that name a forbidden package. */
function violations(dir: string, rule: { dirs?: string[]; packages?: RegExp }): string[] {
  const out: string[] = [];
  for (const file of sources(join(ROOT, dir))) {
    for (const spec of imports(file)) {
      const where = `${relative(ROOT, file)} imports ${spec}`;
      if (spec.startsWith(".")) {
        const target = relative(ROOT, resolve(dirname(file), spec));
        if (rule.dirs?.some((d) => target === d || target.startsWith(`${d}/`))) out.push(where);
      } else if (rule.packages?.test(spec)) {
        out.push(where);
      }
    }
  }
  return out;
}

describe("layering", () => {
  it("lib/ never imports src/", () => {
    expect(violations("lib", { dirs: ["src"] })).toEqual([]);
  });

  it("each lib/x* is used only through its index.ts", () => {
    const out: string[] = [];
    for (const file of [...sources(join(ROOT, "src")), ...sources(join(ROOT, "test"))]) {
      for (const spec of imports(file).filter((s) => s.startsWith("."))) {
        const target = relative(ROOT, resolve(dirname(file), spec));
        if (/^lib\/x\w+\//.test(target) && !/^lib\/x\w+\/index\.ts$/.test(target))
          out.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(out).toEqual([]);
  });

  it("the domain knows nothing of frameworks, drivers or adapters", () => {
    expect(
      violations("src/domain", {
        dirs: ["src/adapters", "src/app", "lib/xlog"],
        packages: /^(elysia|@elysiajs\/|mongodb|@platformatic\/kafka|prom-client|pino|@opentelemetry\/)/,
      }),
    ).toEqual([]);
  });

  it("use cases do not reach into adapters or drivers", () => {
    expect(
      violations("src/app", {
        dirs: ["src/adapters"],
        packages: /^(elysia|@elysiajs\/|mongodb|@platformatic\/kafka|prom-client)/,
      }),
    ).toEqual([]);
  });

  it("an adapter imports no other adapter (but the shared v1 contract and telemetry), and not the configuration", () => {
    const out: string[] = [];
    const adapters = readdirSync(join(ROOT, "src/adapters")).filter((d) =>
      statSync(join(ROOT, "src/adapters", d)).isDirectory(),
    );
    const shared = ["contract", "telemetry"];
    for (const adapter of adapters) {
      const others = adapters.filter((d) => d !== adapter && !shared.includes(d)).map((d) => `src/adapters/${d}`);
      out.push(...violations(`src/adapters/${adapter}`, { dirs: [...others, "src/config.ts"] }));
    }
    // The shared pieces depend on no adapter at all.
    for (const s of shared)
      out.push(
        ...violations(`src/adapters/${s}`, {
          dirs: adapters
            .filter((d) => d !== s && !(s === "telemetry" && d === "contract"))
            .map((d) => `src/adapters/${d}`),
        }),
      );
    expect(out).toEqual([]);
  });

  it("src/ has no import cycle (static or lazy), so every file can be read and tested on its own", () => {
    const graph = new Map<string, string[]>();
    for (const file of sources(join(ROOT, "src")).filter((f) => !f.endsWith(".test.ts")))
      graph.set(
        relative(ROOT, file),
        imports(file)
          .filter((s) => s.startsWith("."))
          .map((s) => relative(ROOT, resolve(dirname(file), s)))
          .filter((t) => t.startsWith("src/")),
      );
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === "done") return;
      if (state.get(f) === "open") {
        cycles.push([...path.slice(path.indexOf(f)), f].join(" → "));
        return;
      }
      state.set(f, "open");
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, "done");
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it("the check itself sees imports (guards against a scanner that finds nothing)", () => {
    expect(imports(join(ROOT, "src/main.ts")).length).toBeGreaterThan(5);
    expect(violations("src", { dirs: ["lib"] }).length).toBeGreaterThan(0);
  });
});
