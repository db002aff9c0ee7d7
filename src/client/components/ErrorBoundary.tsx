// A render error shows a readable message with a way out, never a blank page.
import { Component, type ReactNode } from "react";

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <main role="alert" className="mx-auto mt-16 max-w-lg rounded-xl bg-white dark:bg-slate-900 p-8 shadow">
        <h1 className="text-xl font-semibold">Something went wrong</h1>
        <p className="mt-2 text-slate-600 dark:text-slate-300">{this.state.error.message}</p>
        <button type="button" className="mt-4 rounded bg-indigo-600 px-4 py-2 text-white" onClick={() => window.location.reload()}>
          Reload
        </button>
      </main>
    );
  }
}
