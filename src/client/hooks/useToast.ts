// Toasts: any component reports an error or a notice; <Toasts> shows them.
import { createContext, useContext } from "react";

export type Toast = { id: number; kind: "error" | "info"; text: string };
type ToastApi = { error: (error: unknown) => void; info: (text: string) => void };

export const ToastContext = createContext<ToastApi | null>(null);

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast outside <Toasts>");
  return api;
}
