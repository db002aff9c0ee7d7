// Parse, don't cast: every body, query and path parameter goes through zod here.
import type { Context } from "hono";
import { z } from "zod";
import { MAX_JSON_BYTES, readCapped } from "./body-limits.ts";
import { ApiError, badRequest } from "./errors.ts";

function issuesOf(error: z.ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError(400, "validation_failed", `Invalid ${where}.`, issuesOf(result.error));
  return result.data;
}

/** The body's bytes, counted as they stream: a 413 at `maxBytes`, whatever the headers claim. */
export async function readBytes(c: Context, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const body = c.req.raw.body;
  return body ? readCapped(body, maxBytes) : new Uint8Array(0);
}

export async function readText(c: Context, maxBytes: number): Promise<string> {
  const buffer = await readBytes(c, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buffer);
  } catch {
    throw badRequest("Body is not valid UTF-8.");
  }
}

export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Send a JSON body with Content-Type: application/json.");
  }
  const text = await readText(c, MAX_JSON_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "Body is not valid JSON.");
  }
  return parseWith(schema, value, "body");
}

export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  return parseWith(schema, c.req.query(), "query");
}

export function readParams<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  return parseWith(schema, c.req.param(), "path");
}

// Reusable field schemas.
export const idSchema = z.string().uuid();
export const idParams = z.object({ id: idSchema });
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

/** Opaque pagination cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(value: Record<string, string | number>): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor<T extends z.ZodType>(cursor: string | undefined, schema: T): z.infer<T> | undefined {
  if (!cursor) return undefined;
  try {
    const json = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    return parseWith(schema, JSON.parse(json), "cursor");
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw badRequest("Invalid cursor.");
  }
}
