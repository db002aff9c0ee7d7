import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { startShellWorker } from "./lib/offline-shell.ts";
import { startTheme } from "./lib/theme.ts";

startTheme();
startShellWorker();
createRoot(document.getElementById("root")!).render(<App />);
