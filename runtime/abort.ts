/**
 * Runs `callback` when `signal` aborts; returns the function that stops listening. However many waits of
 * the client share one caller's signal (a batch of calls under one signal), the signal gets one real
 * listener: hundreds would make Node warn, and `AbortSignal.any` per request keeps a reference per
 * request until the caller's signal is collected.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = waiting.get(signal);
  if (!callbacks) {
    const set = new Set<() => void>();
    waiting.set(signal, (callbacks = set));
    signal.addEventListener("abort", () => [...set].forEach((fn) => fn()), { once: true });
  }
  callbacks.add(callback);
  const set = callbacks;
  return () => void set.delete(callback);
}

const waiting = new WeakMap<AbortSignal, Set<() => void>>();
