// Process and runtime metrics that are true under Bun. prom-client's default collectors are Node's:
// under Bun 9 of the 10 nodejs_heap_space_* series are always 0, there is no GC metric, and three
// gauges carry a _total suffix (promtool: "non-counter metrics should not have _total suffix"). So
// we collect what Bun and /proc really report, at scrape time:
//   process_cpu_{user,system}_seconds_total, process_resident_memory_bytes, process_open_fds,
//   process_max_fds, process_start_time_seconds — the standard process_* names dashboards know;
//   bun_heap_{size,capacity,extra_memory}_bytes and bun_heap_objects from bun:jsc heapStats();
//   runtime_event_loop_lag_seconds{stat} from perf_hooks' event-loop delay histogram.
// Not collected: GC counts and pauses (Bun exposes no GC events or totals).
import { heapStats } from "bun:jsc";
import { readdirSync, readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Counter, Gauge, type Registry, type RegistryContentType } from "prom-client";

export function registerRuntimeMetrics(registry: Registry<RegistryContentType>): void {
  const registers = [registry];
  new Counter({
    name: "process_cpu_user_seconds_total",
    help: "User CPU time of the process in seconds",
    registers,
    collect() {
      this.reset();
      this.inc(process.cpuUsage().user / 1e6);
    },
  });
  new Counter({
    name: "process_cpu_system_seconds_total",
    help: "System CPU time of the process in seconds",
    registers,
    collect() {
      this.reset();
      this.inc(process.cpuUsage().system / 1e6);
    },
  });
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident set size of the process in bytes",
    registers,
    collect() {
      this.set(process.memoryUsage().rss);
    },
  });
  new Gauge({
    name: "process_start_time_seconds",
    help: "Start time of the process since the Unix epoch in seconds",
    registers,
  }).set(Math.round(Date.now() / 1000 - process.uptime()));
  const fdsReadable = canRead("/proc/self/fd");
  if (fdsReadable) {
    new Gauge({
      name: "process_open_fds",
      help: "Open file descriptors of the process",
      registers,
      collect() {
        this.set(readdirSync("/proc/self/fd").length);
      },
    });
    const max = Number(/^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"))?.[1]);
    if (max)
      new Gauge({ name: "process_max_fds", help: "Limit of open file descriptors of the process", registers }).set(max);
  }
  const heap = (name: string, help: string, pick: (h: ReturnType<typeof heapStats>) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(pick(heapStats()));
      },
    });
  heap("bun_heap_size_bytes", "JavaScript heap in use (JavaScriptCore heapSize) in bytes", (h) => h.heapSize);
  heap(
    "bun_heap_capacity_bytes",
    "JavaScript heap reserved (JavaScriptCore heapCapacity) in bytes",
    (h) => h.heapCapacity,
  );
  heap(
    "bun_heap_extra_memory_bytes",
    "Memory held outside the heap by heap objects (buffers) in bytes",
    (h) => h.extraMemorySize,
  );
  heap("bun_heap_objects", "Live objects on the JavaScript heap", (h) => h.objectCount);

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  new Gauge({
    name: "runtime_event_loop_lag_seconds",
    help: "Event-loop delay since the previous scrape (mean, p50, p90, p99, max) in seconds",
    labelNames: ["stat"] as const,
    registers,
    collect() {
      const ns = (v: number) => (Number.isFinite(v) ? v / 1e9 : 0);
      this.set({ stat: "mean" }, ns(delay.mean));
      this.set({ stat: "p50" }, ns(delay.percentile(50)));
      this.set({ stat: "p90" }, ns(delay.percentile(90)));
      this.set({ stat: "p99" }, ns(delay.percentile(99)));
      this.set({ stat: "max" }, ns(delay.max));
      delay.reset();
    },
  });
}

function canRead(dir: string): boolean {
  try {
    readdirSync(dir);
    return true;
  } catch {
    return false;
  }
}
