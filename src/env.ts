// The Worker's bindings, derived from the resources declared in alchemy.run.ts:
// one source of truth, so code and deployed bindings cannot drift apart. Plain-text vars arrive
// here as text: read them typed through config() (src/core/config.ts).
import type { website } from "../alchemy.run.ts";

export type Env = typeof website.Env;
