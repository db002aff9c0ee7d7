// The API's base URL: in dev Bun serves this page and the Worker runs on another
// port (BUN_PUBLIC_BACKEND_URL, injected by alchemy); deployed, both share an origin.
// Bun inlines only this exact expression; when the variable is unset (a production build)
// the expression stays and `process` does not exist in a browser, hence the try.
function backendUrl(): string {
  try {
    return process.env.BUN_PUBLIC_BACKEND_URL ?? window.location.origin;
  } catch {
    return window.location.origin;
  }
}
export const API_BASE: string = backendUrl().replace(/\/$/, "");

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
    throw new ApiRequestError(response.status, error?.code ?? "http_error", readableMessage(error, response.status));
  }
  return body as T;
}

/** The error's message, with the first field problem when there is one ("Invalid body. name: That name …"). */
function readableMessage(error: ApiErrorBody["error"] | undefined, status: number): string {
  if (!error?.message) return `Request failed (${status}).`;
  const first = Array.isArray(error.details) ? (error.details[0] as { path?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof first?.message !== "string") return error.message;
  return `${error.message} ${typeof first.path === "string" && first.path ? `${first.path}: ` : ""}${first.message}`;
}

/** The API's host for WebSockets, and whether to use ws or wss (from the API's own scheme). */
export const API_HOST: string = new URL(API_BASE).host;
export const WS_PROTOCOL: "ws" | "wss" = API_BASE.startsWith("https:") ? "wss" : "ws";

/** A readable sentence for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
