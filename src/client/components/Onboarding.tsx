// After signup: the onboarding workflow's steps, polled until the run finishes.
import { useEffect, useState } from "react";
import { api } from "../api.ts";
import { useSession } from "../hooks/useSession.ts";
import type { OnboardingStatus } from "../../shared/api-types.ts";

const POLL_MS = 1_000;
const FINISHED = new Set(["complete", "errored", "terminated"]);
const STEP_ICONS: Record<string, string> = { pending: "○", running: "◔", complete: "●", completed: "●", failed: "✕", errored: "✕" };

export function Onboarding({ instanceId }: { instanceId: string }) {
  const { dismissOnboarding } = useSession();
  const [status, setStatus] = useState<OnboardingStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await api<OnboardingStatus>(`/api/workflow/${instanceId}`);
        if (stopped) return;
        setStatus(next);
        if (FINISHED.has(next.status)) return;
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e.message : String(e));
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [instanceId]);

  const done = status?.status === "complete";
  return (
    <section aria-label="Onboarding" className="rounded-xl border border-indigo-200 bg-indigo-50 p-4 dark:border-indigo-800 dark:bg-indigo-950">
      <div className="flex items-center justify-between">
        <h2 className="font-semibold">{done ? "You're all set" : "Setting up your account…"}</h2>
        <button type="button" className="text-sm text-indigo-700 dark:text-indigo-300 hover:underline" onClick={dismissOnboarding}>
          Dismiss
        </button>
      </div>
      {error && <p role="alert" className="text-sm text-red-700 dark:text-red-300">{error}</p>}
      <ol className="mt-2 flex flex-wrap gap-4 text-sm" data-testid="onboarding-steps">
        {(status?.steps ?? []).map((step) => (
          <li key={step.name} data-status={step.status} className={step.status === "failed" ? "text-red-700 dark:text-red-300" : "text-slate-700 dark:text-slate-200"}>
            <span aria-hidden="true">{STEP_ICONS[step.status] ?? "○"}</span> {step.name}{" "}
            <span className="text-xs text-slate-600 dark:text-slate-300">({step.status}{step.lastError ? `: ${step.lastError}` : ""})</span>
          </li>
        ))}
      </ol>
      {status && <p className="mt-1 text-xs text-slate-600 dark:text-slate-300" data-testid="onboarding-status">Status: {status.status}</p>}
    </section>
  );
}
