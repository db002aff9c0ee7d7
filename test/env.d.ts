import type { Env as AppEnv } from "../src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends AppEnv {}
    interface GlobalProps {
      mainModule: typeof import("../src/api/index.ts");
      durableNamespaces: "Room" | "Presence" | "UserSockets";
    }
  }
}
export {};
