// The HTTP surface of Roomful, one line per resource group: read this file to see the API.
import { Hono } from "hono";
import { authenticate } from "./auth/guards.ts";
import { cacheRoutes } from "./cache/routes.ts";
import { authRoutes } from "./auth/routes.ts";
import { tokenRoutes } from "./auth/token-routes.ts";
import { roomMessagesRoutes } from "./chat/messages.ts";
import { presenceRoutes } from "./chat/presence.ts";
import { chatSocketRoutes } from "./chat/socket.ts";
import type { AppEnv } from "./context.ts";
import { apiCors } from "./cors.ts";
import { handleError, handleNotFound } from "./errors.ts";
import { filesRoutes } from "./files/routes.ts";
import { uploadRoutes } from "./files/upload.ts";
import { healthRoutes } from "./health.ts";
import { jobsRoutes } from "./jobs/routes.ts";
import { outboxRoutes } from "./mail/routes.ts";
import { openApiDocument } from "./openapi.ts";
import { membersRoutes } from "./rooms/members.ts";
import { roomsRoutes } from "./rooms/routes.ts";
import { documentRoutes } from "./rooms/document.ts";
import { snapshotRoutes } from "./rooms/snapshot-routes.ts";
import { roomSocketRoutes } from "./rooms/socket.ts";
import { usersRoutes } from "./users/routes.ts";
import { workflowRoutes } from "./workflow/routes.ts";
import { APP_VERSION } from "../shared/version.ts";

export const app = new Hono<AppEnv>();

app.onError(handleError);
app.notFound(handleNotFound);

app.use("/api/*", apiCors);
app.use("/api/*", authenticate);
app.use("/parties/*", authenticate);

app.route("/api/health", healthRoutes);
app.route("/api/users", usersRoutes);
app.route("/api/auth", authRoutes);
app.route("/api/tokens", tokenRoutes);
app.route("/api/rooms", roomsRoutes);
app.route("/api/rooms", membersRoutes);
app.route("/api/rooms", documentRoutes);
app.route("/api/rooms", snapshotRoutes);
app.route("/parties", roomSocketRoutes);
app.route("/api/rooms", roomMessagesRoutes);
app.route("/api/chat", chatSocketRoutes);
app.route("/api/presence", presenceRoutes);
app.route("/api/upload", uploadRoutes);
app.route("/api/files", filesRoutes);
app.route("/api/cache", cacheRoutes);
app.route("/api/jobs", jobsRoutes);
app.route("/api/outbox", outboxRoutes);
app.route("/api/workflow", workflowRoutes);
app.get("/api/openapi.json", (c) => c.json(openApiDocument(APP_VERSION)));
