// Where mail goes, chosen by MAIL_SENDER (src/core/config.ts):
//   "outbox" (default, and always in dev/tests): written to D1, readable at GET /api/outbox.
//   "http": POSTed to MAIL_API_URL, a Resend-compatible API (`{ from, to, subject, text, html }`,
//           Bearer MAIL_API_KEY), with the idempotency key as `Idempotency-Key`; then logged
//           in the outbox too, so admins see what was sent.
// The outbox row is unique per key, so a redelivered job never mails twice.
import { eq } from "drizzle-orm";
import { outbox } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { config } from "../../core/config.ts";
import { database } from "../../core/db.ts";

export type Mail = { to: string; subject: string; text: string; html: string; headers?: Record<string, string> };

interface MailSender {
  /** Delivers `mail` at most once per `key`. */
  send(mail: Mail, key: string): Promise<void>;
}

async function record(env: Env, mail: Mail, key: string): Promise<void> {
  await database(env)
    .insert(outbox)
    .values({ id: crypto.randomUUID(), jobId: key, ...mail })
    .onConflictDoNothing({ target: outbox.jobId });
}

async function alreadySent(env: Env, key: string): Promise<boolean> {
  const [row] = await database(env).select({ id: outbox.id }).from(outbox).where(eq(outbox.jobId, key)).limit(1);
  return Boolean(row);
}

const outboxSender = (env: Env): MailSender => ({ send: (mail, key) => record(env, mail, key) });

const httpSender = (env: Env): MailSender => ({
  async send(mail, key) {
    if (await alreadySent(env, key)) return;
    const { MAIL_API_URL, MAIL_FROM } = config(env);
    const response = await fetch(MAIL_API_URL, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${env.MAIL_API_KEY ?? ""}`,
        "idempotency-key": key,
      },
      body: JSON.stringify({ from: MAIL_FROM, ...mail }),
    });
    // Throwing makes the job retry with backoff.
    if (!response.ok) throw new Error(`mail API answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    await record(env, mail, key);
  },
});

export function mailSender(env: Env): MailSender {
  return config(env).MAIL_SENDER === "http" ? httpSender(env) : outboxSender(env);
}
