import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { preloadRoomView } from "./components/LazyRoomView.tsx";
import { startShellWorker } from "./lib/offline-shell.ts";
import { startTheme } from "./lib/theme.ts";

startTheme();
startShellWorker();
preloadRoomView();
createRoot(document.getElementById("root")!).render(<App />);
