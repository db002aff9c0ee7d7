import type { Context } from "hono";
import type { Env } from "../env.ts";
import type { Principal } from "./auth/principal.ts";

export type AppEnv = { Bindings: Env; Variables: { principal: Principal | null } };
export type AppContext = Context<AppEnv>;
