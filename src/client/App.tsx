import { useEffect, useState } from "react";
import { api } from "./api.ts";

type Health = { status: string; version: string; checks: Record<string, string> };

export function App() {
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<Health>("/api/health").then(setHealth, (e: Error) => setError(e.message));
  }, []);
  return (
    <main>
      <h1>Roomful</h1>
      {error && <p role="alert">{error}</p>}
      {health && (
        <p>
          API {health.status} (v{health.version})
        </p>
      )}
    </main>
  );
}
