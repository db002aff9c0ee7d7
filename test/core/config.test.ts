// The config schema (src/core/config.ts): every var has its default written once there, values
// arrive as text and leave typed, and a bad value is refused by name rather than replaced.
import { describe, expect, it } from "vitest";
import { CONFIG_DEFAULTS, config, configSchema } from "../../src/core/config.ts";

describe("config()", () => {
  it("gives every var its schema default when the env sets none", () => {
    const defaults = config({});
    expect(defaults).toEqual(CONFIG_DEFAULTS);
    for (const name of Object.keys(configSchema.shape)) expect(defaults, name).toHaveProperty(name);
    expect(typeof defaults.ROOM_FRAME_BURST).toBe("number");
  });

  it("parses the env's text into typed values", () => {
    const parsed = config({
      APP_ENV: "development",
      ALLOWED_ORIGINS: " https://a.example, ,https://b.example",
      ROOM_FRAME_BURST: "7",
      JOB_RETRY_DELAY_SECONDS: "0",
      MAIL_SENDER: "http",
      MAIL_API_URL: "https://mail.example/send",
    });
    expect(parsed).toEqual({
      ...CONFIG_DEFAULTS,
      APP_ENV: "development",
      ALLOWED_ORIGINS: ["https://a.example", "https://b.example"],
      ROOM_FRAME_BURST: 7,
      JOB_RETRY_DELAY_SECONDS: 0,
      MAIL_SENDER: "http",
      MAIL_API_URL: "https://mail.example/send",
    });
  });

  it("refuses a bad value by name instead of falling back to the default", () => {
    for (const bad of ["5OO", "0", "-1", "1.5"]) expect(() => config({ ROOM_FRAME_BURST: bad })).toThrow(/ROOM_FRAME_BURST/);
    expect(() => config({ APP_ENV: "staging" })).toThrow(/APP_ENV/);
    expect(() => config({ MAIL_SENDER: "smtp" })).toThrow(/MAIL_SENDER/);
    expect(() => config({ MAIL_SENDER: "http" })).toThrow(/MAIL_API_URL/);
  });

  it("parses an env object once", () => {
    const env = { ROOM_FRAME_BURST: "9" };
    expect(config(env)).toBe(config(env));
  });
});
