// The formats a document can be read as and content can be written from, for zod at the API edge.
import { z } from "zod";

export const DocumentFormat = z.enum(["json", "markdown", "html", "text"]);
export type DocumentFormat = z.infer<typeof DocumentFormat>;

export const ContentKind = z.enum(["json", "markdown", "html", "text"]);
export type ContentKind = z.infer<typeof ContentKind>;
