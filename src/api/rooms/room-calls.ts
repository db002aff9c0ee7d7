// Calls into a Room object from REST routes, turning its known refusals into API errors.
import { ApiError } from "../errors.ts";

export async function callRoom<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes("document_full")) {
      throw new ApiError(413, "document_full", "The room's document has reached its size limit.");
    }
    if (message.includes("room_reset")) {
      throw new ApiError(409, "room_reset", "The room was reset while applying the change; retry.");
    }
    throw error;
  }
}
