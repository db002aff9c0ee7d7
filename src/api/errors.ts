// One JSON error shape for the whole API: { "error": { "code", "message", "details"? } }.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new ApiError(400, "bad_request", message, details);
export const unauthorized = (message = "Sign in or send a valid token.") => new ApiError(401, "unauthorized", message);
export const forbidden = (message = "You may not do that.") => new ApiError(403, "forbidden", message);
export const notFound = (what = "Resource") => new ApiError(404, "not_found", `${what} not found.`);
export const conflict = (message: string) => new ApiError(409, "conflict", message);
export const tooLarge = (message: string) => new ApiError(413, "payload_too_large", message);
export const tooManyRequests = (message: string) => new ApiError(429, "rate_limited", message);

function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function handleError(error: Error, c: Context): Response {
  if (error instanceof ApiError) {
    return c.json(errorBody(error.code, error.message, error.details), error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return c.json(errorBody(status === 413 ? "payload_too_large" : "http_error", error.message || "Request failed."), status);
  }
  // Unknown errors are bugs: log them with the request, answer without internals.
  console.error(`${c.req.method} ${c.req.path} failed:`, error);
  return c.json(errorBody("internal", "Something went wrong on our side."), 500);
}

export function handleNotFound(c: Context): Response {
  return c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404);
}
