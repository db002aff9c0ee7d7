// The API's base URL: in dev Bun serves this page and the Worker runs on another
// port (BUN_PUBLIC_BACKEND_URL, injected by alchemy); deployed, both share an origin.
export const API_BASE: string = (process.env.BUN_PUBLIC_BACKEND_URL ?? window.location.origin).replace(/\/$/, "");

export type ApiErrorBody = { error: { code: string; message: string; details?: unknown } };

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${API_BASE}${path}`, {
    credentials: "include",
    ...init,
    headers: { ...(init.body && !(init.body instanceof FormData) ? { "content-type": "application/json" } : {}), ...init.headers },
  });
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => null)) as T | ApiErrorBody | null;
  if (!response.ok) {
    const error = (body as ApiErrorBody | null)?.error;
    throw new ApiRequestError(response.status, error?.code ?? "http_error", error?.message ?? `Request failed (${response.status}).`);
  }
  return body as T;
}
