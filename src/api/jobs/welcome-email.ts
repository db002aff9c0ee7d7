// The welcome email: rendered here, handed to the configured mail sender.
import { eq } from "drizzle-orm";
import { users, type JobRow } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { database } from "../../core/db.ts";
import { mailSender } from "../mail/sender.ts";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

export async function sendWelcomeEmail(env: Env, job: JobRow): Promise<void> {
  const userId = String(job.payload.userId ?? "");
  const [user] = await database(env).select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) return; // deleted before the job ran: nothing to send
  const subject = "Welcome to Roomful";
  const text = `Hi ${user.name},\n\nYour Roomful account is ready. Open a room and invite someone to write with you.\n`;
  const html = `<p>Hi ${escapeHtml(user.name)},</p><p>Your Roomful account is ready. Open a room and invite someone to write with you.</p>`;
  // The job id is the idempotency key: a redelivered job does not mail twice.
  await mailSender(env).send({ to: user.email, subject, text, html }, job.id);
}
