// Starting onboarding. Instance ids begin with the user id, so a caller's right to read
// an instance can be checked without asking the workflow for its params.
import type { Env } from "../env.ts";
import { randomToken } from "../shared/crypto.ts";

const USER_ID_LENGTH = 36; // a UUID

export async function startOnboarding(env: Env, userId: string): Promise<string> {
  const instance = await env.ONBOARDING.create({
    id: `${userId}-${randomToken(6).replace(/[^A-Za-z0-9]/g, "x")}`,
    params: { userId },
  });
  return instance.id;
}

export function userIdOfInstance(instanceId: string): string {
  return instanceId.slice(0, USER_ID_LENGTH);
}
