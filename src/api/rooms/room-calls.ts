// Turns a Room object's refusals of a server-side edit into API errors.
import type { EditOutcome } from "../../rooms/room.ts";
import { ApiError } from "../errors.ts";

export function assertApplied(outcome: EditOutcome): void {
  if (outcome === "document_full") {
    throw new ApiError(413, "document_full", "The room's document has reached its size limit.");
  }
  if (outcome === "room_reset") {
    throw new ApiError(409, "room_reset", "The room was reset while applying the change; retry.");
  }
}
