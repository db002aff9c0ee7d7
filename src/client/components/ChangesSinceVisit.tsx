// "Changes since your last visit": who added and deleted what (GET /api/rooms/:id/changes),
// each author in their presence colour.
import { useEffect, useState } from "react";
import { api } from "../api.ts";
import { colourFor } from "../../shared/colour.ts";
import type { DocumentChanges } from "../../shared/api-types.ts";

const NO_ID_COLOUR = "#64748b"; // scripts and content older than attribution

export function ChangesSinceVisit({ roomId, since, active }: { roomId: string; since: string | null; active: boolean }) {
  const [answer, setAnswer] = useState<DocumentChanges | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    if (!active || !since) return;
    let current = true;
    setFailed(null);
    api<DocumentChanges>(`/api/rooms/${roomId}/changes?since=${encodeURIComponent(since)}`)
      .then((result) => current && setAnswer(result))
      .catch((error: unknown) => current && setFailed(error instanceof Error ? error.message : "Could not load the changes."));
    return () => {
      current = false;
    };
  }, [roomId, since, active]);

  return (
    <section aria-label="Changes since your last visit" className="rounded border border-slate-200 dark:border-slate-700 p-2">
      <h3 className="mb-1 font-medium">Changes since your last visit</h3>
      {!since ? (
        <p className="text-slate-600 dark:text-slate-400">Your first visit here: next time, this shows what changed meanwhile.</p>
      ) : failed ? (
        <p className="text-red-700 dark:text-red-400">{failed}</p>
      ) : !answer ? (
        <p className="text-slate-600 dark:text-slate-400">Loading changes…</p>
      ) : answer.changes.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">
          Nothing changed since <time dateTime={since}>{new Date(since).toLocaleString()}</time>.
        </p>
      ) : (
        <>
          {/* The server compares with the newest snapshot at or before the visit, and says which. */}
          <p className="mb-1 text-xs text-slate-500 dark:text-slate-400">
            {answer.since.snapshotAt ? (
              <>
                Compared with the snapshot of <time dateTime={answer.since.snapshotAt}>{new Date(answer.since.snapshotAt).toLocaleString()}</time>
              </>
            ) : (
              "Since the room began"
            )}
          </p>
          <ul aria-label="Changes" className="max-h-48 space-y-1 overflow-y-auto">
            {answer.changes.map((change, i) => (
              <li key={i} data-testid="change-item" className="flex items-baseline gap-2">
                <span aria-hidden className="inline-block h-2.5 w-2.5 shrink-0 rounded-full" style={{ background: change.author.id ? colourFor(change.author.id) : NO_ID_COLOUR }} />
                <span className="min-w-0">
                  <strong>{change.author.name}</strong> {change.kind === "insert" ? "added" : "deleted"}{" "}
                  <span className={change.kind === "delete" ? "line-through text-slate-500 dark:text-slate-400" : ""}>“{change.text}”</span>
                </span>
              </li>
            ))}
          </ul>
          {answer.truncated && <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">More changes were left out.</p>}
        </>
      )}
    </section>
  );
}
