// One description of the deployment (src/core/deployment.ts) for alchemy.run.ts and the local
// runtimes (scripts/local/bindings.ts): the local runtimes get the config schema's defaults, and
// the tests change only the vars vitest.config.ts lists.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CONFIG_DEFAULTS, type ConfigVar, parseConfig } from "../../src/core/config.ts";
import {
  DEAD_LETTER_QUEUE,
  DEFAULT_VARS,
  deploymentVars,
  DURABLE_OBJECTS,
  JOB_QUEUE,
  jobConsumer,
} from "../../src/core/deployment.ts";
import { LOCAL_SECRETS, miniflareOptions } from "../../scripts/local/bindings.ts";

/** The vars vitest.config.ts overrides; any other difference from the defaults is drift. */
const TEST_OVERRIDES: ConfigVar[] = [
  "ALLOWED_ORIGINS",
  "COMMENTS_PER_THREAD",
  "COMMENT_BYTES_PER_ROOM",
  "COMMENT_THREADS_PER_ROOM",
  "JOB_RETRY_DELAY_SECONDS",
  "MAX_STORED_BYTES_PER_USER",
  "MAX_UPLOAD_BYTES",
  "NOTIFY_DELAY_SECONDS",
  "ROOM_MAX_DOCUMENT_BYTES",
  "WEBHOOK_ALLOW_LOOPBACK",
];

describe("the deployment's vars", () => {
  it("are the config schema's defaults, as text that parses back to them", () => {
    expect(deploymentVars({})).toEqual(DEFAULT_VARS);
    expect(parseConfig(DEFAULT_VARS)).toEqual(CONFIG_DEFAULTS);
  });

  it("take a value where the source sets one, treat a blank as unset, and refuse a bad one", () => {
    const vars = deploymentVars({ ROOM_FRAME_BURST: "7", MAX_UPLOAD_BYTES: "", PATH: "/usr/bin" });
    expect(vars).toEqual({ ...DEFAULT_VARS, ROOM_FRAME_BURST: "7" });
    expect(() => deploymentVars({ ROOM_FRAME_BURST: "lots" })).toThrow(/ROOM_FRAME_BURST/);
  });
});

describe("the local runtimes", () => {
  it("bind every var at its default, except the overrides vitest.config.ts lists", () => {
    const names = Object.keys(DEFAULT_VARS) as ConfigVar[];
    for (const name of names) expect(typeof env[name], name).toBe("string");
    expect(names.filter((name) => env[name] !== DEFAULT_VARS[name]).sort()).toEqual(TEST_OVERRIDES);
  });

  it("without overrides, get the deployment's vars, queues and objects", () => {
    const options = miniflareOptions();
    expect(options.bindings).toEqual({ ...LOCAL_SECRETS, ...DEFAULT_VARS });
    const deployed = jobConsumer(DEFAULT_VARS);
    expect(deployed.retryDelay).toBe(CONFIG_DEFAULTS.JOB_RETRY_DELAY_SECONDS);
    expect(options.queueConsumers[JOB_QUEUE]).toEqual({
      maxBatchSize: deployed.batchSize,
      maxBatchTimeout: deployed.maxWaitTimeMs / 1000,
      maxRetries: deployed.maxRetries,
      retryDelay: deployed.retryDelay,
      deadLetterQueue: DEAD_LETTER_QUEUE,
    });
    expect(Object.keys(options.durableObjects)).toEqual(Object.keys(DURABLE_OBJECTS));
  });

  it("refuse a var the config does not know", () => {
    expect(() => miniflareOptions({ vars: { ROOM_FRAME_BRUST: "1" } as never })).toThrow(/ROOM_FRAME_BRUST/);
  });
});
