// The scraper module's wiring, loaded on demand (modules.ts, main.ts): its feed parsers and HTML
// converter cost start-up time to processes that never scrape.
import { context, propagation } from "@opentelemetry/api";
import { MongoImportLedger, MongoScraperStore } from "./adapters/mongo/scraper-store.ts";
import type { SourceKind } from "./adapters/scraper/feeds.ts";
import { HttpSourceReader } from "./adapters/scraper/reader.ts";
import { Scraper } from "./app/scraper.ts";
import { BUILD } from "./build-info.ts";
import type { Level } from "./domain/course/values.ts";
import { clock, ids, ownerId, type ServeContext, scraperSources } from "./runtime.ts";

/** The scraper of scraper.sources (enabled ones), wired to the store, metrics and tracing. */
export function buildScraper({
  cfg,
  db,
  metrics,
  tracing,
  courses: repository,
}: Pick<ServeContext, "cfg" | "db" | "metrics" | "tracing" | "courses">): Scraper {
  const sc = cfg.scraper;
  const sources = scraperSources(cfg);
  const reader = new HttpSourceReader(
    new Map(
      sources.map((s) => [
        s.name,
        {
          kind: s.kind as SourceKind,
          timeoutMs: s.timeout,
          defaults: {
            language: s.language,
            level: s.level as Level,
            instructor: s.instructor ?? { id: s.name.slice(0, 100), name: s.name },
            tags: s.tags,
          },
        },
      ]),
    ),
    {
      allowPrivateNetworks: sc.allowPrivateNetworks,
      maxBytes: sc.maxBodyBytes,
      maxRedirects: sc.maxRedirects,
      userAgent: sc.userAgent || `courses-scraper/${BUILD.version} (+${cfg.service.name})`,
      hostDelayMs: sc.hostDelay,
      // Feed hosts are third parties: they get our trace context only when asked for.
      ...(sc.propagateTraceContext
        ? { onHop: (_url: URL, headers: Record<string, string>) => propagation.inject(context.active(), headers) }
        : {}),
    },
    tracing.tracer,
  );
  return new Scraper(
    {
      courses: { courses: repository, clock, ids },
      ledger: new MongoImportLedger(db),
      store: new MongoScraperStore(db),
      reader,
      observer: {
        run: (r) => {
          metrics.scraperRuns.inc({ source: r.source, outcome: r.outcome });
          for (const o of ["created", "updated", "unchanged", "failed"] as const)
            if (r[o]) metrics.scraperItems.inc({ source: r.source, outcome: o }, r[o]);
          if (r.outcome !== "skipped") metrics.scraperRunDuration.observe({ source: r.source }, r.ms / 1000);
          if (r.bytes) metrics.scraperFetchedBytes.inc({ source: r.source }, r.bytes);
          if (r.outcome === "imported" || r.outcome === "not_modified") {
            metrics.scraperLastSuccess.set({ source: r.source }, Date.now() / 1000);
            metrics.scraperConsecutiveFailures.set({ source: r.source }, 0);
          }
          if (r.outcome === "failed") metrics.scraperConsecutiveFailures.inc({ source: r.source });
        },
      },
    },
    sources.map((s) => ({ name: s.name, url: s.url, intervalMs: s.interval })),
    {
      owner: ownerId,
      leaseMs: sc.leaseDuration,
      concurrency: sc.concurrency,
      backoffInitialMs: sc.backoffInitial,
      backoffMaxMs: sc.backoffMax,
      // A root span per run; the fetches inside carry its traceparent.
      around: (source, run) =>
        tracing.tracer.startActiveSpan(
          "scraper.run",
          { root: true, attributes: { "scraper.source": source.name } },
          async (span) => {
            try {
              return await run();
            } finally {
              span.end();
            }
          },
        ),
    },
  );
}
