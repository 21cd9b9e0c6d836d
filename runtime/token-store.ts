/** A cached access token; `expiresAt` is epoch milliseconds, already less the safety margin. */
export interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/**
 * Where tokens live between calls. The default keeps them in this process; a shared store (Redis)
 * lets many processes use one token. Keys never contain a secret.
 */
export interface TokenStore {
  get(key: string): CachedToken | undefined | Promise<CachedToken | undefined>;
  set(key: string, token: CachedToken): void | Promise<void>;
  delete(key: string): void | Promise<void>;
  /** Deletes the token only if it is still `accessToken` (so a 401 seen by many drops it once). */
  deleteIf?(key: string, accessToken: string): Promise<void>;
  /**
   * A lock shared with other processes, held while one of them fetches a new token: resolves to a release
   * function, or null when another holder has it. It must expire by itself after `ttlMs`.
   */
  lock?(key: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
}

export function memoryTokenStore(): TokenStore {
  const tokens = new Map<string, CachedToken>();
  return {
    get: (key) => tokens.get(key),
    set: (key, token) => void tokens.set(key, token),
    delete: (key) => void tokens.delete(key),
  };
}

/** The process-wide default, so two clients built with the same credentials share one token. */
export const processTokenStore: TokenStore = memoryTokenStore();
