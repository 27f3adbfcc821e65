// Outbound HTTP for the scraper, which is a server-side request machine: only http(s); every
// hop's host resolved and each address checked (no loopback, private, link-local, multicast or
// reserved ranges unless allowed); the connection goes to the checked address (the Host header
// and TLS server name carry the name), so DNS cannot answer differently between check and use;
// redirects followed by hand and checked again; the body cut at a byte limit while it streams
// (after gzip decoding, so a bomb stops at the limit too); a timeout and the caller's signal.
// Bun's fetch ignores http.Agent and undici dispatchers, so agent-based filters would do nothing.
import { readAtMost } from "../../../lib/xstream/index.ts";
import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";

/** The request was refused before or while it was made (not a network failure). */
export class FetchRefusedError extends Error {}

export interface SafeFetchOptions {
  allowPrivateNetworks: boolean;
  maxBytes: number;
  maxRedirects: number;
  timeoutMs: number;
  userAgent: string;
  /** Extra request headers (conditional GET: If-None-Match, If-Modified-Since). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Resolver; tests map names to loopback. Default: the system's (getaddrinfo). */
  lookup?: (host: string) => Promise<{ address: string; family: number }[]>;
  /**
   * Which resolved addresses may be connected to when private networks are not allowed; default:
   * public unicast only. Tests widen it to their loopback fixture to exercise the other rules.
   */
  addressAllowed?: (address: string) => boolean;
  /** Extra trusted CA certificates (PEM), for tests with a private CA. */
  ca?: string;
  /** Authorization for the URL's origin only (never sent along a redirect to another origin). */
  authorization?: string;
  /** Called before each hop, for spans and traceparent. */
  onHop?: (url: URL, headers: Record<string, string>) => void;
}

export interface FetchedDocument {
  status: number;
  /** The final URL, after redirects (relative links in the document resolve against it). */
  url: string;
  headers: Headers;
  body: Uint8Array;
}

const NON_PUBLIC = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  NON_PUBLIC.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 127], // :: and ::1
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  NON_PUBLIC.addSubnet(net, bits, "ipv6");

/**
 * IPv6 ranges that embed an IPv4 address (IPv4-compatible ::/96, IPv4-mapped ::ffff:0:0/96, in
 * any notation): never public. Kept apart because a BlockList matches IPv4 addresses against
 * IPv4-mapped IPv6 rules too.
 */
const EMBEDDED_V4 = new BlockList();
EMBEDDED_V4.addSubnet("::", 96, "ipv6");
EMBEDDED_V4.addSubnet("::ffff:0:0", 96, "ipv6");

/** True for an address a public service may be reached at. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6 && EMBEDDED_V4.check(address, "ipv6")) return false;
  return !NON_PUBLIC.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** The URL without user name and password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "";
      u.password = "";
    }
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}

const systemLookup = async (host: string) => dnsLookup(host, { all: true, verbatim: true });

/**
 * The credentials of a URL (`https://user:pass@host/…`) as a Basic Authorization header, and the
 * URL without them: what is fetched, stored or shown never carries them.
 */
export function splitCredentials(url: URL): { url: URL; authorization?: string } {
  if (!url.username && !url.password) return { url };
  const bare = new URL(url);
  bare.username = "";
  bare.password = "";
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return { url: bare, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

/** GET `url` under the rules above; resolves with the final response's status, headers and body. */
export async function safeFetch(url: string, opts: SafeFetchOptions): Promise<FetchedDocument> {
  const signal = opts.signal
    ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)])
    : AbortSignal.timeout(opts.timeoutMs);
  // Credentials go to the origin they were written for, never along a redirect to another.
  const split = splitCredentials(parseHttpUrl(url));
  const first = split.url;
  const authorization = split.authorization ?? opts.authorization;
  let current = first;
  for (let hop = 0; ; hop++) {
    const address = await checkedAddress(current.hostname, opts, signal);
    const target = new URL(current);
    target.hostname = isIP(address) === 6 ? `[${address}]` : address;
    const headers: Record<string, string> = {
      host: current.host,
      "user-agent": opts.userAgent,
      accept:
        "application/feed+json, application/json, application/atom+xml, application/rss+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
      "accept-encoding": "gzip, deflate, br",
      ...opts.headers,
    };
    if (authorization && current.origin === first.origin) headers.authorization = authorization;
    opts.onHop?.(current, headers);
    const servername = current.hostname.replace(/^\[|\]$/g, "");
    const res = await fetch(target, {
      headers,
      redirect: "manual",
      signal,
      tls: {
        ...(isIP(servername) ? {} : { serverName: servername }),
        ...(opts.ca ? { ca: opts.ca } : {}),
        // The connection goes to the checked address: the certificate must match the name.
        checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(servername, cert),
      },
    });
    if (res.status >= 300 && res.status < 400 && res.status !== 304 && res.headers.has("location")) {
      await res.body?.cancel();
      if (hop >= opts.maxRedirects) throw new FetchRefusedError(`more than ${opts.maxRedirects} redirects`);
      // A Location with its own credentials: dropped (only the configured ones are ever sent).
      current = splitCredentials(parseHttpUrl(new URL(res.headers.get("location")!, current).toString())).url;
      continue;
    }
    const declared = Number(res.headers.get("content-length") ?? 0);
    if (declared > opts.maxBytes && !res.headers.has("content-encoding")) {
      await res.body?.cancel();
      throw new FetchRefusedError(`body exceeds the limit of ${opts.maxBytes} bytes (Content-Length ${declared})`);
    }
    return {
      status: res.status,
      url: current.toString(),
      headers: res.headers,
      body: await readLimited(res, opts.maxBytes),
    };
  }
}

function parseHttpUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new FetchRefusedError("not a valid URL");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new FetchRefusedError(`scheme ${u.protocol} refused: only http and https`);
  return u;
}

/** Resolves unless `signal` aborts first (a resolver that hangs cannot outlive the fetch's timeout). */
function withinSignal<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

async function checkedAddress(hostname: string, opts: SafeFetchOptions, signal: AbortSignal): Promise<string> {
  const host = hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host)
    ? [host]
    : (await withinSignal((opts.lookup ?? systemLookup)(host), signal)).map((a) => a.address);
  if (addresses.length === 0) throw new FetchRefusedError(`${host} does not resolve`);
  if (!opts.allowPrivateNetworks) {
    const allowed = opts.addressAllowed ?? isPublicAddress;
    const bad = addresses.find((a) => !allowed(a));
    if (bad) throw new FetchRefusedError(`${host} resolves to ${bad}, which is not a public address`);
  }
  return addresses[0]!;
}

function readLimited(res: Response, maxBytes: number): Promise<Uint8Array> {
  return readAtMost(res.body, maxBytes, () => new FetchRefusedError(`body exceeds the limit of ${maxBytes} bytes`));
}
