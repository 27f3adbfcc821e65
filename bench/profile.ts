// Where a request's CPU goes in the shipped configuration: the compiled binary under
// `BUN_OPTIONS=--cpu-prof` (config/production.yaml plus the addresses and a secret, as bench/run.ts
// runs it), one process per scenario under wrk, its profile read by self time and every sample
// assigned to the innermost frame that one of the categories below names. Prints the shares and,
// without --print, writes them between the `bench/profile.ts` markers of docs/PERFORMANCE.md.
//
//   bun ops/stack/cli.ts exec -- bun bench/profile.ts [--seconds=10] [--print] [--top=N]
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { mintToken } from "../src/adapters/http/auth.ts";
import { courseBinary } from "../test/support/binary.ts";
import { isolated, startService } from "../test/support/service.ts";
import { dropDatabases, stack } from "../test/support/stack.ts";
import { writePerformanceSection } from "./lib/doc.ts";
import { checkAnswers, inParallel, type Load, wrk } from "./lib/measure.ts";

const ROOT = join(import.meta.dir, "..");
const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    print: { type: "boolean", default: false },
    top: { type: "string", default: "0" },
    binary: { type: "string" },
    only: { type: "string" },
  },
});
const SECONDS = Number(args.seconds);
const WORK = join(tmpdir(), `courses-profile-${process.pid}`);
mkdirSync(WORK, { recursive: true });
const say = (m: string) => console.error(`[profile] ${m}`);

/**
 * What the defaults turn on per request. A sample goes to the innermost frame that a rule names —
 * by function (the binary keeps names) or by source file (its embedded source map gives each
 * frame its file); native frames (no file: Response, TextEncoder, crypto) count for their caller.
 */
const BY_FUNCTION: [RegExp, string][] = [
  [/^randomUUID$/, "request id (crypto.randomUUID)"],
  [/^(withHeaders|cacheControl)$/, "security and cache headers"],
  [/^(withDeadline|track|sweep)$/, "deadline timer"],
];
const BY_FILE: [RegExp, string][] = [
  [/prom-client|bintrees/, "metrics (prom-client: labels, counters, histograms)"],
  [
    /@opentelemetry|protobufjs|adapters\/telemetry\/tracing/,
    "tracing (OpenTelemetry: context, sampler, spans, export)",
  ],
  [/pino|sonic-boom|lib\/xlog/, "logging (pino, lib/xlog)"],
  [/jose|adapters\/http\/auth/, "token verification (jose, auth.ts)"],
  [/node_modules\/bson/, "bson (documents)"],
  [/node_modules\/mongodb|node:net|internal:streams|adapters\/mongo\/telemetry/, "mongodb driver and socket"],
  [/adapters\/mongo/, "repository (documents ↔ domain)"],
  [/elysia/, "Elysia (router, mapping)"],
  [/typebox|json-body|adapters\/http\/validate|lib\/xstream/, "body parsing and validation"],
  [/lib\/xerrors/, "problem responses (lib/xerrors)"],
  [/src\/(domain|app)\//, "domain and use cases"],
  [/adapters\/http\/server/, "request wrapper (server.ts)"],
  [/adapters\/http\/(pipeline|errors)/, "request pipeline (pipeline.ts, errors.ts)"],
  [/adapters\/http/, "HTTP handlers (routes, DTOs)"],
  [/node:async_hooks|node:diagnostics_channel/, "async context (AsyncLocalStorage)"],
];
const UNATTRIBUTED = "runtime (native, no JavaScript caller)";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** Shares of the samples taken after `skipUs` (the process's start-up and anything before the load). */
function shares(profile: Profile, top: number, skipUs: number) {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = categoryOf.get(id);
    if (known) return known;
    const { functionName: fn, url } = byId.get(id)!.callFrame;
    let c: string | undefined;
    if (fn === "(garbage collector)") c = "garbage collector";
    else c = BY_FUNCTION.find(([r]) => r.test(fn))?.[1] ?? (url ? BY_FILE.find(([r]) => r.test(url))?.[1] : undefined);
    if (!c) {
      const up = parent.get(id);
      if (up === undefined || byId.get(up)!.callFrame.functionName === "(root)")
        c = url ? `other: ${url.replace(/^.*node_modules\//, "").split("/")[0]}` : UNATTRIBUTED;
      else c = resolve(up);
    }
    categoryOf.set(id, c);
    return c;
  };
  const totals = new Map<string, number>();
  const selfByFn = new Map<string, number>();
  // Each sample counts once: a sample's time delta includes the idle wait before it (JSC takes no
  // sample while the thread waits in the event loop), which would charge the wait to whatever ran
  // first after it (a timer, the pool's maintenance).
  let at = 0;
  let counted = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < skipUs) return;
    counted++;
    const dt = 1;
    const c = resolve(id);
    totals.set(c, (totals.get(c) ?? 0) + dt);
    const f = byId.get(id)!.callFrame;
    if (f.functionName !== "(garbage collector)") {
      const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*node_modules\//, "")}`;
      selfByFn.set(key, (selfByFn.get(key) ?? 0) + dt);
    }
  });
  const busy = counted;
  const rows = [...totals].sort((a, b) => b[1] - a[1]).map(([c, v]) => ({ category: c, share: v / busy }));
  const topFns = [...selfByFn]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([f, v]) => ({ fn: f, share: v / busy }));
  return { rows, topFns, samples: busy };
}

// With Jaeger: the profile is of the shipped configuration, tracing at its ratio included.
const s = await stack({ jaeger: true });
const names = isolated("profile");
const SECRET = "profile-only-hs256-secret-0123456789abcdef";
const token = await mintToken(SECRET, { subject: "profile", scopes: ["courses:write"], ttlSeconds: 3600 });
const json = { "content-type": "application/json", authorization: `Bearer ${token}` };
const env = (dir: string) => ({
  COURSES_CONFIG_FILES: join(ROOT, "config/production.yaml"),
  COURSES_HTTP_HOST: "127.0.0.1",
  COURSES_HTTP_PORT: "0",
  COURSES_MONGO_URL: s.mongoUrl,
  COURSES_KAFKA_BROKERS: s.kafkaBrokers.join(","),
  ...(s.otlpEndpoint ? { COURSES_TELEMETRY_OTLP_ENDPOINT: s.otlpEndpoint } : {}),
  COURSES_AUTH_HS256_SECRET: SECRET,
  ...names.env,
  BUN_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}`,
});
const course = (i: number) => ({
  title: `Profile course ${i}`,
  summary: "A course of the profile's data set",
  description: "Lorem ipsum dolor sit amet. ".repeat(20),
  language: "en",
  level: "beginner",
  tags: ["profile"],
  instructor: { id: "inst-1", name: "Instructor" },
});
const ids: string[] = [];
await courseBinary();
const results: {
  scenario: string;
  rps: number;
  rows: { category: string; share: number }[];
  topFns: { fn: string; share: number }[];
}[] = [];
try {
  const scenarios: { name: string; load: (b: string) => Load; non2xx: boolean }[] = [
    { name: "GET /healthz", load: (b) => ({ url: `${b}/healthz` }), non2xx: false },
    {
      name: "GET by id",
      load: (b) => ({ url: `${b}/v1/courses/${ids[0]}`, paths: ids.map((id) => `/v1/courses/${id}`) }),
      non2xx: false,
    },
    {
      name: "invalid POST (valid token)",
      load: (b) => ({
        url: `${b}/v1/courses`,
        method: "POST",
        headers: json,
        body: JSON.stringify({ ...course(0), level: "expert" }),
      }),
      non2xx: true,
    },
  ];
  // Seeded by an instance that is not profiled: each profile holds its scenario's load only.
  {
    const { BUN_OPTIONS: _, ...plain } = env(WORK);
    const svc = await startService(plain, {
      isolatedEnv: true,
      retainLines: 200,
      args: ["serve", "--modules=api"],
      ...(args.binary ? { command: [args.binary] } : {}),
    });
    try {
      await inParallel(16, 500, async (i) => {
        const r = await fetch(`${svc.url}/v1/courses`, {
          method: "POST",
          headers: json,
          body: JSON.stringify(course(i)),
        });
        if (r.status !== 201) throw new Error(`seed: ${r.status} ${await r.text()}`);
        ids.push(((await r.json()) as { id: string }).id);
      });
    } finally {
      await svc.stop();
    }
  }
  let loadFrom = 0;
  for (const sc of scenarios.filter((x) => !args.only || x.name.startsWith(args.only!))) {
    const dir = join(WORK, sc.name.replace(/\W+/g, "_"));
    mkdirSync(dir, { recursive: true });
    const spawned = performance.now();
    const svc = await startService(env(dir), {
      isolatedEnv: true,
      retainLines: 200,
      args: ["serve", "--modules=api"],
      ...(args.binary ? { command: [args.binary] } : {}),
    });
    try {
      loadFrom = performance.now() - spawned;
      const r = await wrk(sc.load(svc.url), {
        seconds: SECONDS,
        connections: 64,
        pid: svc.pid,
        dir: WORK,
        name: `profile-${dir.split("/").pop()}`,
      });
      checkAnswers(r, sc.non2xx, sc.name);
      results.push({ scenario: sc.name, rps: r.rps, rows: [], topFns: [] });
    } finally {
      await svc.stop();
    }
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error(`no CPU profile written in ${dir}`);
    const sh = shares(JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile, Number(args.top), loadFrom * 1000);
    Object.assign(results.at(-1)!, sh);
    say(`${sc.name}: ${results.at(-1)!.rps.toFixed(0)} req/s under the profiler`);
    for (const row of sh.rows) say(`  ${(row.share * 100).toFixed(1).padStart(5)} %  ${row.category}`);
    for (const f of sh.topFns) say(`        ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.fn}`);
  }
} finally {
  await dropDatabases(s.mongoUrl, [names.database]);
}

const categories = [...new Set(results.flatMap((r) => r.rows.map((x) => x.category)))];
const pct = (r: (typeof results)[number], c: string) => {
  const x = r.rows.find((y) => y.category === c);
  return x ? `${(x.share * 100).toFixed(1)} %` : "—";
};
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const resultsFile = `bench/results/profile-${stamp}.json`;
if (!args.print)
  writeFileSync(
    join(ROOT, resultsFile),
    `${JSON.stringify({ date: new Date().toISOString(), seconds: SECONDS, results }, null, 2)}\n`,
  );
const section = `### Where a request's CPU goes (${new Date().toISOString().slice(0, 10)})

\`bun ops/stack/cli.ts exec -- bun bench/profile.ts --seconds=${SECONDS}\`: the compiled binary, \`serve --modules=api\` in the shipped configuration (config/production.yaml, addresses, a secret), under \`BUN_OPTIONS=--cpu-prof\` (1 ms sampling) and wrk -t1 -c64 for ${SECONDS} s per scenario, one process per scenario, 500 courses. Each sample is assigned to the innermost frame a category names (bench/profile.ts); shares are of the samples taken once the load began (start-up excluded), garbage collection on its own line. The profiler itself slows the process: read shares, not throughput. Only time spent running JavaScript, or native code called from it, is sampled: Bun's HTTP server and socket I/O outside JavaScript are not in these shares. ${args.print ? "" : `From \`${resultsFile}\`.`}

| category | ${results.map((r) => `${r.scenario} (${r.rps.toFixed(0)} req/s profiled)`).join(" | ")} |
|---|${results.map(() => "---").join("|")}|
${categories.map((c) => `| ${c} | ${results.map((r) => pct(r, c)).join(" | ")} |`).join("\n")}
`;
console.log(section);
if (!args.print) {
  writePerformanceSection("<!-- bench/profile.ts -->", section);
}
