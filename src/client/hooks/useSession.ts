// Who is signed in. The session is an HttpOnly cookie, so the client asks /api/auth/me.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { api, ApiRequestError } from "../api.ts";
import { clearOfflineCopies } from "../lib/offline-copies.ts";
import { forgetUser, isNetworkFailure, rememberedUser, rememberUser } from "../lib/offline-memory.ts";
import type { User } from "../../shared/api-types.ts";

const ONBOARDING_KEY = "roomful:onboarding";

export type Session = {
  user: User | null;
  loading: boolean;
  onboardingId: string | null;
  signIn: (email: string, password: string) => Promise<void>;
  signUp: (name: string, email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** Asks the server who is signed in: after a socket was closed as signed out elsewhere. */
  refresh: () => Promise<User | null>;
  dismissOnboarding: () => void;
};

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside <SessionProvider>");
  return session;
}

export function useSessionState(): Session {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);
  const [onboardingId, setOnboardingId] = useState(() => localStorage.getItem(ONBOARDING_KEY));
  const signedInAs = useRef<string | null>(null);

  // Signed out (here, or found signed out after a socket closed): the user's offline copies of
  // room documents go with the session. This runs after the render that unmounted the rooms,
  // so their databases are closing; a deletion waits for that.
  useEffect(() => {
    const previous = signedInAs.current;
    signedInAs.current = user?.id ?? null;
    if (previous && previous !== user?.id) {
      forgetUser(previous);
      clearOfflineCopies(previous).catch((error: unknown) => console.error(error));
    }
  }, [user]);

  useEffect(() => {
    api<{ user: User }>("/api/auth/me")
      .then(({ user }) => {
        rememberUser(user);
        setUser(user);
      })
      .catch((error) => {
        if (error instanceof ApiRequestError && error.status === 401) return;
        // No network: whoever was last signed in here opens their offline copies; the server
        // has the last word once the network is back (the `online` listener below).
        const remembered = isNetworkFailure(error) ? rememberedUser() : null;
        if (remembered) setUser(remembered);
        else console.error(error);
      })
      .finally(() => setLoading(false));
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const { user } = await api<{ user: User }>("/api/auth/login", { method: "POST", body: JSON.stringify({ email, password }) });
    rememberUser(user);
    setUser(user);
  }, []);

  const signUp = useCallback(
    async (name: string, email: string, password: string) => {
      const created = await api<{ onboarding: { instanceId: string } | null }>("/api/users", {
        method: "POST",
        body: JSON.stringify({ name, email, password }),
      });
      if (created.onboarding) {
        localStorage.setItem(ONBOARDING_KEY, created.onboarding.instanceId);
        setOnboardingId(created.onboarding.instanceId);
      }
      await signIn(email, password);
    },
    [signIn],
  );

  const signOut = useCallback(async () => {
    await api("/api/auth/logout", { method: "POST" });
    localStorage.removeItem(ONBOARDING_KEY);
    setOnboardingId(null);
    setUser(null);
  }, []);

  const refresh = useCallback(async () => {
    try {
      const { user } = await api<{ user: User }>("/api/auth/me");
      rememberUser(user);
      setUser(user);
      return user;
    } catch (error) {
      if (!(error instanceof ApiRequestError && error.status === 401)) throw error;
      setUser(null);
      return null;
    }
  }, []);

  // Back online: is the session (perhaps only remembered) still good?
  useEffect(() => {
    if (!user) return;
    const recheck = () => void refresh().catch(() => {});
    window.addEventListener("online", recheck);
    return () => window.removeEventListener("online", recheck);
  }, [user?.id, refresh]);

  const dismissOnboarding = useCallback(() => {
    localStorage.removeItem(ONBOARDING_KEY);
    setOnboardingId(null);
  }, []);

  return useMemo(
    () => ({ user, loading, onboardingId, signIn, signUp, signOut, refresh, dismissOnboarding }),
    [user, loading, onboardingId, signIn, signUp, signOut, refresh, dismissOnboarding],
  );
}
