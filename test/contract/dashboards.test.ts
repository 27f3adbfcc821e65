// The dashboards as committed are what ops/grafana/dashboards.ts generates, and follow the rules:
// a unit on every panel, $__rate_interval for every range, every query scoped to $instance.
import { expect, it } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { DASHBOARDS } from "../../ops/grafana/dashboards.ts";
import { dashboardFiles, METRICS_DOC, metricsReference } from "../../scripts/gen-clients.ts";

it("ops/grafana/dashboards/*.json are current", () => {
  for (const f of dashboardFiles()) {
    expect(existsSync(f.path), `${f.path} missing: run \`bun run gen\``).toBe(true);
    expect(readFileSync(f.path, "utf8"), `${f.path} is stale: run \`bun run gen\``).toBe(f.text);
  }
});

it("every panel has a unit, and every query uses $__rate_interval and the instance variable", () => {
  const problems: string[] = [];
  for (const d of DASHBOARDS)
    for (const p of d.rows.flatMap((r) => r.panels)) {
      if (!p.unit) problems.push(`${d.uid} / ${p.title}: no unit`);
      for (const t of p.targets) {
        if (!t.expr.includes('instance=~"$instance"')) problems.push(`${d.uid} / ${p.title}: not scoped to $instance`);
        for (const range of t.expr.matchAll(/\[([^\]]+)\]/g))
          if (range[1] !== "$__rate_interval") problems.push(`${d.uid} / ${p.title}: range [${range[1]}]`);
      }
    }
  expect(problems).toEqual([]);
  expect(DASHBOARDS.map((d) => d.uid)).toEqual([
    "courses-service",
    "courses-runtime",
    "courses-dependencies",
    "courses-scraper",
  ]);
});

it("docs/METRICS.md is current: every metric with its type, labels and meaning", () => {
  expect(readFileSync(METRICS_DOC, "utf8"), "docs/METRICS.md is stale: run `bun run gen`").toBe(metricsReference());
});
