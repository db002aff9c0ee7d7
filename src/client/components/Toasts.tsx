import { useCallback, useMemo, useState, type ReactNode } from "react";
import { errorMessage } from "../api.ts";
import { ToastContext, type Toast } from "../hooks/useToast.ts";

const TOAST_MS = 6_000;
let nextId = 1;

export function Toasts({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (kind: Toast["kind"], text: string) => {
      const id = nextId++;
      setToasts((all) => [...all.slice(-4), { id, kind, text }]);
      setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss],
  );
  const api = useMemo(() => ({ error: (e: unknown) => push("error", errorMessage(e)), info: (t: string) => push("info", t) }), [push]);
  return (
    <ToastContext value={api}>
      {children}
      <div className="fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2" aria-live="polite">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            role={toast.kind === "error" ? "alert" : "status"}
            className={`flex items-start gap-2 rounded-lg px-4 py-3 text-sm shadow-lg ${
              toast.kind === "error" ? "bg-red-600 text-white" : "bg-slate-800 text-white"
            }`}
          >
            <span className="flex-1">{toast.text}</span>
            <button type="button" aria-label="Dismiss" className="opacity-80 hover:opacity-100" onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext>
  );
}
