import type { Context } from "hono";
import type { Env } from "../env.ts";
import type { Principal } from "./auth/principal.ts";
import type { RoomAccess } from "../core/access.ts";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    principal: Principal | null;
    /** On a room's routes: the caller's access, read with the sign-in (takePrefetchedAccess). */
    prefetchedRoom?: { roomId: string; access: RoomAccess | null };
  };
};
export type AppContext = Context<AppEnv>;
