import type { User } from "../../db/schema.ts";
import type * as Api from "../../shared/api-types.ts";
import { shownName } from "../../shared/display-name.ts";

/** The only shape of a user that leaves the server: never the password hash. */
export function presentUser(user: User): Api.User {
  return {
    id: user.id,
    name: shownName(user.name),
    email: user.email,
    role: user.role,
    notify: user.notify,
    createdAt: new Date(user.createdAt).toISOString(),
    updatedAt: new Date(user.updatedAt).toISOString(),
  };
}
