// Figures of issue "events at scale", measured on this machine and written to docs/PERFORMANCE.md:
//   bun run stack up && bun ops/stack/cli.ts exec -- bun bench/outbox.ts [--backend=h2|memory]
// Uses the stack's Kafka, a clean store of its own (the stack's mongo-java-server launcher,
// in memory by default, or on a new H2 file like the stack's with --backend=h2), and the service
// from src/main.ts in child processes. Bounded: about 8 minutes.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readTopic, testKafka, waitForTopic } from "../test/support/kafka.ts";
import { writePerformanceSection } from "./lib/doc.ts";
import { benchCourse, describeDrain, outageDrain } from "./lib/outage-drain.ts";
import { ownStore } from "../test/support/own-servers.ts";
import { serviceEnv, startService, type RunningService } from "../test/support/service.ts";
import { stack, uniqueName } from "../test/support/stack.ts";

const ROOT = join(import.meta.dir, "..");
const backend = process.argv.find((a) => a.startsWith("--backend="))?.split("=")[1] ?? "memory";
const s = await stack();
if (backend !== "memory" && backend !== "h2") throw new Error("--backend is memory or h2");
const only = process.argv.find((a) => a.startsWith("--only="))?.split("=")[1];
const run = (part: string) => !only || only === part;
const storeArgs = process.argv
  .filter((a) => a.startsWith("--store-"))
  .flatMap((a) => [`--${a.slice(8).split("=")[0]}`, a.split("=")[1]!]);
const store = await ownStore(s, backend, storeArgs);
const kafka = testKafka(s.kafkaBrokers);
const figures: Record<string, string> = {};
const note = (k: string, v: string) => {
  figures[k] = v;
  console.error(`[bench] ${k}: ${v}`);
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const course = benchCourse;
const post = (svc: RunningService, body: unknown) =>
  fetch(`${svc.url}/v1/courses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

function names() {
  const id = uniqueName("bench").replaceAll("-", "_");
  return {
    database: `db_${id}`,
    topic: `bench.courses.${id}`,
    env: (over: Record<string, string> = {}) =>
      serviceEnv(
        { ...s, mongoUrl: store.url },
        {
          COURSES_MONGO_DATABASE: `db_${id}`,
          COURSES_EVENTS_TOPIC: `bench.courses.${id}`,
          COURSES_ENROLLMENTS_TOPIC: `bench.enr.${id}`,
          COURSES_ENROLLMENTS_DLQ_TOPIC: `bench.enr.${id}.dlq`,
          COURSES_LOG_LEVEL: "info",
          COURSES_TELEMETRY_TRACING_ENABLED: "false",
          COURSES_EVENTS_RETRY_BACKOFF_MAX: "1s",
          ...over,
        },
      ),
  };
}

async function seed(svc: RunningService, count: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, k) => post(svc, course(i + k, tag))),
    );
    for (const r of batch) ids.push(((await r.json()) as { id: string }).id);
  }
  return ids;
}

async function getLatency(svc: RunningService, ids: string[], n = 500): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await fetch(`${svc.url}/v1/courses/${ids[(i * 7919) % ids.length]}`);
    await r.arrayBuffer();
    times.push(performance.now() - t0);
  }
  return times;
}

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100/s)
}
function storePid(): number {
  const port = new URL(store.url).port;
  const out = Bun.spawnSync(["ss", "-Hltnp", `sport = :${port}`]).stdout.toString();
  return Number(out.match(/pid=(\d+)/)?.[1]);
}

try {
  // 1. GET by id at 100 and at 10,000 courses; idle store CPU with three service processes.
  if (run("scale")) {
    const n = names();
    const svc = await startService(n.env());
    try {
      const first = await seed(svc, 100, "small");
      await getLatency(svc, first, 200);
      const at100 = await getLatency(svc, first);
      const t0 = Date.now();
      const all = [...first, ...(await seed(svc, 9_900, "large"))];
      note("seed 9,900 courses through the API", `${((Date.now() - t0) / 1000).toFixed(1)} s`);
      // Measure a quiet service: wait until the seeding's events are all published.
      const pendingEvents = async () =>
        Number(
          (await (await fetch(`${svc.url}/metrics`)).text()).match(/^outbox_pending_events\{[^}]*\} (\d+)/m)?.[1] ??
            NaN,
        );
      const drainStart = Date.now();
      while ((await pendingEvents()) !== 0 && Date.now() - drainStart < 120_000) await Bun.sleep(500);
      note("seeding's events published after the last create", `${((Date.now() - drainStart) / 1000).toFixed(1)} s`);
      await getLatency(svc, all, 200);
      const at10k = await getLatency(svc, all);
      note("GET by id at 100 courses (median / p99)", `${pct(at100, 50).toFixed(2)} / ${pct(at100, 99).toFixed(2)} ms`);
      note(
        "GET by id at 10,000 courses (median / p99)",
        `${pct(at10k, 50).toFixed(2)} / ${pct(at10k, 99).toFixed(2)} ms`,
      );
      note(
        "GET by id ratio 10,000 vs 100 (median / p99)",
        `${(pct(at10k, 50) / pct(at100, 50)).toFixed(2)} / ${(pct(at10k, 99) / pct(at100, 99)).toFixed(2)}`,
      );
      const others = [await startService(n.env()), await startService(n.env())];
      try {
        // Start-up work (migrations check, the marker sweep, the JIT) is over after a few seconds.
        await Bun.sleep(10_000);
        const pid = storePid();
        const c0 = cpuTicks(pid);
        await Bun.sleep(30_000);
        note(
          "store CPU, 10,000 courses, 3 idle service processes (30 s)",
          `${((cpuTicks(pid) - c0) / 30).toFixed(1)} % of one core`,
        );
      } finally {
        for (const o of others) await o.stop();
      }
    } finally {
      await svc.stop();
    }
  }

  // 2. Create → event on Kafka at 50 creates/s for 20 s, broker up.
  if (run("latency")) {
    const n = names();
    const svc = await startService(n.env());
    try {
      await waitForTopic(kafka, n.topic, 30_000);
      const sentAt = new Map<string, number>();
      const total = 1000;
      const reader = readTopic(kafka, n.topic, (m) => m.length >= total, 120_000);
      const start = performance.now();
      const pending: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        await Bun.sleep(Math.max(0, start + i * 20 - performance.now()));
        pending.push(
          post(svc, course(i, "latency")).then(
            async (r) => void sentAt.set(((await r.json()) as { id: string }).id, Date.now()),
          ),
        );
      }
      await Promise.all(pending);
      const msgs = await reader;
      // Broker timestamp (producer's send time) minus the API's answer: the outbox's added delay.
      const lags = msgs.map((m) => m.timestamp - sentAt.get(m.key)!).filter((x) => Number.isFinite(x));
      note(
        "create → event on Kafka at 50 creates/s (p50 / p99 / max)",
        `${pct(lags, 50)} / ${pct(lags, 99)} / ${Math.max(...lags)} ms (${lags.length} events)`,
      );
    } finally {
      await svc.stop();
    }
  }

  // 3. A 30 s broker outage during a burst of 200 courses × 4 changes (create, patch, lesson,
  //    publish: 800 events), then the relay's drain. Each course has several events, so per-course
  //    order can be violated and is checked; duplicates are counted over everything read.
  if (run("outage")) {
    const n = names();
    const d = await outageDrain({
      stack: s,
      start: (brokers) => startService({ ...n.env(), COURSES_KAFKA_BROKERS: brokers.join(",") }),
      topic: n.topic,
      courses: 200,
    });
    note(
      "relay drain after a Kafka outage (200 courses × 4 changes)",
      `${d.eventsPerSecond.toFixed(0)} events/s (${describeDrain(d)})`,
    );
  }
} finally {
  await store.stop();
}

const machine = `${Bun.spawnSync(["nproc"]).stdout.toString().trim()} cores, ${(Number(readFileSync("/proc/meminfo", "utf8").match(/MemTotal:\s+(\d+)/)![1]) / 1048576).toFixed(0)} GiB, Bun ${Bun.version}`;
const resultsFile = `bench/results/outbox-${backend}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
const section = `### Outbox and store (${new Date().toISOString().slice(0, 10)}, ${backend} backend of mongo-java-server 1.47.0, ${machine})\n\nMeasured by \`bun ops/stack/cli.ts exec -- bun bench/outbox.ts --backend=${backend}\`; every figure from \`${resultsFile}\`.\n\n| figure | measured |\n|---|---|\n${Object.entries(
  figures,
)
  .map(([k, v]) => `| ${k} | ${v} |`)
  .join("\n")}\n`;
if (only || storeArgs.length) {
  console.error("[bench] a partial or tuned run: docs/PERFORMANCE.md left as it is");
  process.exit(0);
}
writeFileSync(
  join(ROOT, resultsFile),
  `${JSON.stringify({ date: new Date().toISOString(), backend, machine, figures }, null, 2)}\n`,
);
writePerformanceSection(`<!-- bench/outbox.ts ${backend} -->`, section);
console.error(`[bench] written to docs/PERFORMANCE.md`);
