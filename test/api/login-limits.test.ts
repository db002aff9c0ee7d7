// Sign-in limits that a guesser cannot turn against the account's owner: failures lock out the
// account+address pair and the address, while the account as a whole only slows down.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { accountDelayMs, MAX_DELAY_MS } from "../../src/api/auth/login-limits.ts";
import { call, json, signUp, uniqueEmail } from "../helpers/http.ts";

const login = (email: string, password: string, address: string) =>
  call("POST", "/api/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": address } });

/** Moves the account's last failure into the past, as if its delay had run out. */
async function letDelayPass(email: string): Promise<void> {
  await env.DB.prepare("UPDATE login_attempts SET window_start = window_start - ? WHERE key = ?").bind(MAX_DELAY_MS + 1000, `account-delay:${email}`).run();
}

describe("sign-in limits", () => {
  it("a guesser's five failures lock out only their own address; the owner elsewhere signs in", async () => {
    const owner = await signUp("Owner");
    for (let i = 0; i < 5; i++) expect((await login(owner.email, `guess-${i}-wrong`, "198.51.100.1")).status).toBe(401);
    const guesser = await login(owner.email, owner.password, "198.51.100.1");
    expect(guesser.status).toBe(429);
    expect((await json(guesser)).error.code).toBe("rate_limited");
    expect(Number(guesser.headers.get("retry-after"))).toBeGreaterThan(60);

    await letDelayPass(owner.email);
    expect((await login(owner.email, owner.password, "192.0.2.44")).status).toBe(200);
    // Signing in does not reset the account's delay for the guesser, nor unlock their address.
    expect((await login(owner.email, `guess-again`, "198.51.100.1")).status).toBe(429);
  });

  it("failures spread over many addresses slow the account down without locking it", async () => {
    const owner = await signUp("Target");
    for (let i = 0; i < 5; i++) expect((await login(owner.email, "wrong password", `203.0.113.${i + 1}`)).status).toBe(401);
    // Within the delay even the right password waits, and the refusal is not counted.
    const early = await login(owner.email, owner.password, "192.0.2.77");
    expect(early.status).toBe(429);
    expect(Number(early.headers.get("retry-after"))).toBe(1);
    const row = await env.DB.prepare("SELECT failures FROM login_attempts WHERE key = ?").bind(`account-delay:${owner.email}`).first<{ failures: number }>();
    expect(row?.failures).toBe(5);
    await letDelayPass(owner.email);
    expect((await login(owner.email, owner.password, "192.0.2.77")).status).toBe(200);
  });

  it("the delay doubles per failure up to a ceiling", () => {
    expect([4, 5, 6, 7, 9, 10, 50].map(accountDelayMs)).toEqual([0, 1000, 2000, 4000, 16_000, MAX_DELAY_MS, MAX_DELAY_MS]);
  });

  it("one address failing on many accounts is locked out after 20", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await login(uniqueEmail("nobody"), "guess guess", "198.51.100.200")).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});
