// The route template a request matched ("/v1/courses/:id"), for metrics and span names
// that do not explode with ids. Set from Elysia hooks, read by the server wrapper.
const routes = new WeakMap<Request, string>();

export const UNMATCHED = "unmatched";

export const routeOf = {
  set(request: Request, route: string | undefined): void {
    if (route) routes.set(request, route);
  },
  setIfUnset(request: Request, route: string | undefined): void {
    if (route && !routes.has(request)) routes.set(request, route);
  },
  get(request: Request): string {
    return routes.get(request) ?? UNMATCHED;
  },
};

/**
 * The path of an absolute request URL without parsing it (a `new URL` per request costs
 * more: docs/PERFORMANCE.md, measured decisions): what Elysia routes on too — no normalisation, the query cut off.
 */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const q = url.indexOf("?", start);
  return q < 0 ? url.slice(start) : url.slice(start, q);
}
