// Who is making the current change: the bearer token's subject for API requests, `scraper:<source>`
// for imports. Carried in async context (like the trace), so the course's events record it without
// every use case and domain method taking one more parameter.
import { AsyncLocalStorage } from "node:async_hooks";

const storage = new AsyncLocalStorage<{ actor?: string }>();

/** The actor of the current change, if one was set. */
export function currentActor(): string | undefined {
  return storage.getStore()?.actor;
}

/** Runs `fn` as `actor`. */
export function withActor<T>(actor: string, fn: () => T): T {
  return storage.run({ actor }, fn);
}

/**
 * Runs `fn` in a scope whose actor is set later, by `setActor` — from a framework hook that runs
 * in another async continuation than the handler (an HTTP request's authentication).
 */
export function actorScope<T>(fn: () => T): T {
  return storage.run({}, fn);
}

/** Names the actor of the enclosing actorScope. */
export function setActor(actor: string): void {
  const scope = storage.getStore();
  if (scope) scope.actor = actor;
  else storage.enterWith({ actor });
}
