import { z } from "zod";
import { cleanDisplayName, isReservedName, MAX_NAME_CHARS } from "../../shared/display-name.ts";

// Names are cleaned before they are checked (control, bidi and invisible characters out, NFC,
// single spaces), and a name that reads as staff is refused: others see it beside every message.
// Well-formed UTF-16 only: a lone surrogate cannot be URI-encoded into a socket's identity header.
const trimmedName = z
  .string()
  .max(1000)
  .transform(cleanDisplayName)
  .pipe(
    z
      .string()
      .min(1, "Name is empty once invisible and control characters are removed.")
      .max(MAX_NAME_CHARS)
      .refine((name) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name), {
        message: "Name contains invalid characters.",
      })
      .refine((name) => !isReservedName(name), {
        message: "That name reads as Roomful staff or the system (admin, support, moderator...); choose another.",
      }),
  );
const email = z.string().trim().toLowerCase().max(254).pipe(z.email());
// 8 to 256 characters: long passphrases are welcome, unbounded input to PBKDF2 is not.
const password = z.string().min(8).max(256);

export const signupBody = z.strictObject({ name: trimmedName, email, password });
export const loginBody = z.strictObject({ email, password: z.string().min(1).max(256) });
export const updateUserBody = z
  .strictObject({
    name: trimmedName.optional(),
    email: email.optional(),
    password: password.optional(),
    role: z.enum(["user", "admin"]).optional(),
    /** Which notifications are emailed (the inbox keeps them all). */
    notify: z.enum(["all", "mentions", "none"]).optional(),
    /** Required when users change their own email or password. */
    currentPassword: z.string().min(1).max(256).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "Nothing to update." });
/** Deleting your own account, like changing your password, needs the current password. */
export const deleteAccountBody = z.strictObject({ currentPassword: z.string().min(1).max(256) });
