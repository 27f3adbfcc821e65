// SourceReader over HTTP: safe fetch (conditional GET with the last run's validators), decode,
// parse; catalogs are followed page by page through `next`.
import { SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { sleepUnlessAborted } from "../../../lib/xshutdown/index.ts";
import type { ReadItem, ReadResult, SourceConfig, SourceReader, Validators } from "../../app/scraper.ts";
import { decodeBody, DocumentError, type ItemDefaults, parseDocument, type SourceKind } from "./feeds.ts";
import { redactUrl, type SafeFetchOptions, safeFetch, splitCredentials } from "./safe-fetch.ts";

export interface ReaderSource {
  kind: SourceKind;
  timeoutMs: number;
  defaults: ItemDefaults;
}

export type FetchOptions = Omit<SafeFetchOptions, "timeoutMs" | "headers" | "signal" | "authorization"> & {
  /** Politeness: least time between two requests to one host, across sources. */
  hostDelayMs: number;
};

/** Catalog pages followed per run, at most. */
const MAX_PAGES = 100;

export class HttpSourceReader implements SourceReader {
  /** When each host may be asked next. */
  private readonly hostNext = new Map<string, number>();

  constructor(
    private readonly sources: Map<string, ReaderSource>,
    private readonly fetchOptions: FetchOptions,
    private readonly tracer: Tracer = trace.getTracer("courses"),
  ) {}

  async read(source: SourceConfig, validators: Validators, signal: AbortSignal): Promise<ReadResult> {
    const spec = this.sources.get(source.name);
    if (!spec) throw new Error(`unknown source ${source.name}`);
    const conditional: Record<string, string> = {};
    if (validators.etag) conditional["if-none-match"] = validators.etag;
    if (validators.lastModified) conditional["if-modified-since"] = validators.lastModified;
    // Credentials in the source's URL: sent as Basic authentication to its origin (every page of
    // a catalog there), never kept in a URL that items resolve against, store or show.
    const { url: base, authorization } = splitCredentials(new URL(source.url));
    let url: string | undefined = base.toString();
    const items: ReadItem[] = [];
    let bytes = 0;
    let first: Validators | undefined;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      await this.politely(new URL(url).host, signal);
      const pageUrl: string = url;
      // A client span per fetch; its context goes out as traceparent (onHop injects the active one).
      const res = await this.tracer.startActiveSpan(
        "GET",
        {
          kind: SpanKind.CLIENT,
          attributes: { "http.request.method": "GET", "url.full": redactUrl(pageUrl), "scraper.source": source.name },
        },
        async (span) => {
          try {
            const r = await safeFetch(pageUrl, {
              ...this.fetchOptions,
              timeoutMs: spec.timeoutMs,
              signal,
              headers: page === 0 ? conditional : {},
              ...(authorization ? { authorization } : {}),
            });
            span.setAttributes({ "http.response.status_code": r.status, "http.response.body.size": r.body.byteLength });
            return r;
          } catch (e) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
            throw e;
          } finally {
            span.end();
          }
        },
      );
      bytes += res.body.byteLength;
      if (page === 0 && res.status === 304) return { notModified: true, bytes };
      if (res.status !== 200) throw new DocumentError(`HTTP ${res.status} from ${new URL(res.url).host}`);
      if (page === 0)
        first = {
          ...(res.headers.get("etag") ? { etag: res.headers.get("etag")! } : {}),
          ...(res.headers.get("last-modified") ? { lastModified: res.headers.get("last-modified")! } : {}),
        };
      const doc = parseDocument(
        decodeBody(res.body, res.headers.get("content-type")),
        spec.kind,
        res.url,
        spec.defaults,
      );
      items.push(...doc.items);
      url = doc.kind === "catalog" ? doc.next : undefined;
    }
    return { notModified: false, items, validators: first ?? {}, bytes };
  }

  /** Waits until the host may be asked again, and books the next slot. */
  private async politely(host: string, signal: AbortSignal): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.hostNext.get(host) ?? 0);
    this.hostNext.set(host, at + this.fetchOptions.hostDelayMs);
    if (at > now) await sleepUnlessAborted(at - now, signal);
    signal.throwIfAborted();
  }
}
