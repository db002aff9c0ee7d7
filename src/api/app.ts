// The HTTP surface of Roomful, one line per resource group: read this file to see the API.
import { Hono } from "hono";
import { authenticate } from "./auth/guards.ts";
import { refuseCrossSiteWrites } from "./auth/cross-site.ts";
import { bodyLimits } from "./body-limits.ts";
import { cacheRoutes } from "./cache/cache-routes.ts";
import { authRoutes } from "./auth/auth-routes.ts";
import { tokenRoutes } from "./tokens/token-routes.ts";
import { messageRoutes } from "./rooms/message-routes.ts";
import { presenceRoutes } from "./presence/presence-routes.ts";
import { searchRoutes } from "./search/search-routes.ts";
import { chatSocketRoutes } from "./chat/chat-socket-routes.ts";
import type { AppEnv } from "./context.ts";
import { apiCors } from "./cors.ts";
import { handleError, handleNotFound } from "./errors.ts";
import { fileRoutes } from "./files/file-routes.ts";
import { uploadRoutes } from "./files/upload-routes.ts";
import { healthRoutes } from "./health/health-routes.ts";
import { jobRoutes } from "./jobs/job-routes.ts";
import { outboxRoutes } from "./mail/outbox-routes.ts";
import { openApiDocument } from "./openapi.ts";
import { invitationRoutes } from "./invitations/invitation-routes.ts";
import { memberRoutes } from "./rooms/member-routes.ts";
import { roomRoutes } from "./rooms/room-routes.ts";
import { documentRoutes } from "./rooms/document-routes.ts";
import { snapshotRoutes } from "./rooms/snapshot-routes.ts";
import { roomSocketRoutes } from "./rooms/room-socket-routes.ts";
import { userRoutes } from "./users/user-routes.ts";
import { workflowRoutes } from "./workflow/workflow-routes.ts";
import { APP_VERSION } from "../shared/version.ts";

export const app = new Hono<AppEnv>();

app.onError(handleError);
app.notFound(handleNotFound);

app.use("/api/*", apiCors);
app.use("/api/*", bodyLimits);
app.use("/api/*", authenticate);
app.use("/api/*", refuseCrossSiteWrites);
app.use("/parties/*", authenticate);

app.route("/api/health", healthRoutes);
app.route("/api/users", userRoutes);
app.route("/api/auth", authRoutes);
app.route("/api/tokens", tokenRoutes);
app.route("/api/rooms", roomRoutes);
// A room's parts: Hono hands `:id` from the mount path to each module's handlers.
app.route("/api/rooms/:id/members", memberRoutes);
app.route("/api/rooms/:id/document", documentRoutes);
app.route("/api/rooms/:id/snapshots", snapshotRoutes);
app.route("/api/rooms/:id/messages", messageRoutes);
app.route("/api/invitations", invitationRoutes);
app.route("/parties", roomSocketRoutes);
app.route("/api/chat", chatSocketRoutes);
app.route("/api/presence", presenceRoutes);
app.route("/api/search", searchRoutes);
app.route("/api/upload", uploadRoutes);
app.route("/api/files", fileRoutes);
app.route("/api/cache", cacheRoutes);
app.route("/api/jobs", jobRoutes);
app.route("/api/outbox", outboxRoutes);
app.route("/api/workflow", workflowRoutes);
app.get("/api/openapi.json", (c) => c.json(openApiDocument(APP_VERSION)));
