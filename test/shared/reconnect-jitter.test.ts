// The client's reconnect jitter (src/client/lib/reconnect-jitter.ts): a random extra wait that
// grows with failures, and a wrapped reconnect that stays down when the provider was disconnected
// or already reconnected meanwhile.
import { describe, expect, it } from "vitest";
import { addReconnectJitter, jitterMs } from "../../src/client/lib/reconnect-jitter.ts";

describe("reconnect jitter", () => {
  it("spreads the first reconnect over 0-1 s and later ones over a window that doubles up to 8 s", () => {
    expect(jitterMs(0, () => 0)).toBe(0);
    expect(jitterMs(0, () => 0.999)).toBeCloseTo(999, 0);
    expect(jitterMs(1, () => 0.5)).toBe(1_000);
    expect(jitterMs(3, () => 0.5)).toBe(4_000);
    expect(jitterMs(50, () => 0.5)).toBe(4_000);
    const spread = new Set(Array.from({ length: 200 }, () => Math.round(jitterMs(0) / 50)));
    expect(spread.size).toBeGreaterThan(10); // 200 clients land in many different 50 ms slots
  });

  it("reconnects after the jitter only if the provider still wants to and has no socket", async () => {
    const calls: string[] = [];
    const provider = { shouldConnect: true, wsUnsuccessfulReconnects: 0, ws: null as unknown, _reconnectWS: () => void calls.push("reconnect") };
    addReconnectJitter(provider);
    await provider._reconnectWS();
    expect(calls).toEqual(["reconnect"]);
    provider.shouldConnect = false;
    await provider._reconnectWS();
    provider.shouldConnect = true;
    provider.ws = {};
    await provider._reconnectWS();
    expect(calls).toEqual(["reconnect"]);
  });
});
