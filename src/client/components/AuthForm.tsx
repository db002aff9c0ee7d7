import { useState, type FormEvent } from "react";
import { errorMessage } from "../api.ts";
import { useSession } from "../hooks/useSession.ts";
import { navigate } from "../lib/route.ts";

export function AuthForm({ mode }: { mode: "signin" | "signup" }) {
  const session = useSession();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === "signup";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (signup) await session.signUp(name.trim(), email.trim(), password);
      else await session.signIn(email.trim(), password);
      navigate("/");
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const field = "w-full rounded border border-slate-300 dark:border-slate-600 px-3 py-2";
  return (
    <main className="mx-auto mt-16 w-full max-w-sm rounded-xl bg-white dark:bg-slate-900 p-8 shadow">
      <h1 className="mb-6 text-2xl font-semibold">{signup ? "Create your account" : "Sign in to Roomful"}</h1>
      <form onSubmit={submit} className="flex flex-col gap-4">
        {signup && (
          <label className="flex flex-col gap-1 text-sm">
            Name
            <input className={field} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoComplete="name" />
          </label>
        )}
        <label className="flex flex-col gap-1 text-sm">
          Email
          <input className={field} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Password
          <input
            className={field}
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={signup ? 8 : 1}
            autoComplete={signup ? "new-password" : "current-password"}
          />
        </label>
        {error && (
          <p role="alert" className="rounded bg-red-50 dark:bg-red-950 px-3 py-2 text-sm text-red-700 dark:text-red-300">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} className="rounded bg-indigo-600 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
          {signup ? "Sign up" : "Sign in"}
        </button>
      </form>
      <p className="mt-4 text-center text-sm text-slate-600 dark:text-slate-300">
        {signup ? (
          <>Have an account? <a className="text-indigo-700 dark:text-indigo-300 underline" href="#/signin">Sign in</a></>
        ) : (
          <>New here? <a className="text-indigo-700 dark:text-indigo-300 underline" href="#/signup">Create an account</a></>
        )}
      </p>
    </main>
  );
}
