import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { startTheme } from "./lib/theme.ts";

startTheme();
createRoot(document.getElementById("root")!).render(<App />);
