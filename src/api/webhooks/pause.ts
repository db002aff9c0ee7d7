// Pausing a webhook that keeps failing (or whose creator lost the right to it), and telling the
// creator by mail (the configured sender: src/api/mail/sender.ts). Resuming is a PATCH.
import { eq } from "drizzle-orm";
import { users, type WebhookRow, webhooks } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { database } from "../../core/db.ts";
import { mailSender } from "../mail/sender.ts";

/** How long deliveries may keep failing before the webhook is paused. */
export const FAILING_PAUSE_MS = 24 * 60 * 60 * 1000;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

export async function pauseWebhook(env: Env, hook: WebhookRow, reason: string): Promise<void> {
  await database(env).update(webhooks).set({ status: "paused", pausedReason: reason, updatedAt: Date.now() }).where(eq(webhooks.id, hook.id));
  if (!hook.ownerId) return; // made with the bootstrap token: nobody to mail; GET /api/webhooks shows it
  const [owner] = await database(env).select().from(users).where(eq(users.id, hook.ownerId)).limit(1);
  if (!owner) return;
  const subject = "A Roomful webhook was paused";
  const text = `Hi ${owner.name},\n\nYour webhook to ${hook.url} was paused: ${reason}\n\nFix the receiver, then resume it with PATCH /api/webhooks/${hook.id} {"paused": false}; events recorded meanwhile are sent then.\n`;
  const html = `<p>Hi ${escapeHtml(owner.name)},</p><p>Your webhook to <code>${escapeHtml(hook.url)}</code> was paused: ${escapeHtml(reason)}</p><p>Fix the receiver, then resume it with <code>PATCH /api/webhooks/${hook.id}</code> <code>{"paused": false}</code>; events recorded meanwhile are sent then.</p>`;
  // One mail per pause: the key names the run of failures (or the pause) it is about.
  await mailSender(env).send({ to: owner.email, subject, text, html }, `webhook-paused:${hook.id}:${hook.failingSince ?? hook.updatedAt}`);
}
