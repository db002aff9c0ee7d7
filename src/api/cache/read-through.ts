// KV as a read-through cache in front of D1 for rows read far more often than written.
// Every writer of a cached row must call `invalidate` after its write. KV is eventually
// consistent between locations (a delete can take up to 60 s to reach every edge), so
// only rows whose brief staleness elsewhere is harmless belong here.
import type { Env } from "../../env.ts";

/** Internal keys live under this prefix; /api/cache keys cannot reach them. */
const PREFIX = "rt:";
const TTL_SECONDS = 300;

export async function readThrough<T>(env: Env, key: string, load: () => Promise<T | null>): Promise<T | null> {
  const cached = await env.CACHE.get<T>(PREFIX + key, "json");
  if (cached !== null) return cached;
  const value = await load();
  // Misses are not cached: a row created a moment later must be found.
  if (value !== null) await env.CACHE.put(PREFIX + key, JSON.stringify(value), { expirationTtl: TTL_SECONDS });
  return value;
}

export async function invalidate(env: Env, key: string): Promise<void> {
  await env.CACHE.delete(PREFIX + key);
}
