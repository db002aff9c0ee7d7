// Content a client sent that cannot become a document. The API maps it to a 400.
export class DocumentFormatError extends Error {
  override name = "DocumentFormatError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

// Runs a parser and turns whatever it throws (including a RangeError from input nested too
// deeply for the stack) into a DocumentFormatError, so hostile input is a 400, never a 500.
export function parsing<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DocumentFormatError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DocumentFormatError(`Could not read the ${what}: ${reason}`, { cause: error });
  }
}
