// The API reference at /api/openapi.json, generated from the same zod schemas the
// routes validate with: each router documents its routes next to their handlers.
import { z } from "zod";

type Method = "get" | "post" | "put" | "patch" | "delete";
type RouteDoc = {
  method: Method;
  path: string;
  summary: string;
  /** Who may call it, in words ("public", "signed in", "admin", ...). */
  auth: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Status code → description. */
  responses: Record<number, string>;
};

const routes: RouteDoc[] = [];

export function documentRoute(doc: RouteDoc): void {
  routes.push(doc);
}

function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, "{$1}");
}

export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const parameters = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (route.query) {
      const schema = z.toJSONSchema(route.query, { io: "input", unrepresentable: "any" }) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        parameters.push({ name, in: "query", required: schema.required?.includes(name) ?? false, schema: property as never });
      }
    }
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      description: `Auth: ${route.auth}.`,
      parameters,
      requestBody: route.body
        ? {
            required: true,
            content: {
              "application/json": { schema: z.toJSONSchema(route.body, { io: "input", unrepresentable: "any" }) },
            },
          }
        : undefined,
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, description]) => [status, { description }]),
      ),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Roomful API",
      version,
      description:
        'Errors are JSON: { "error": { "code", "message", "details"? } }. Authenticate with the session cookie or `Authorization: Bearer <token>`.',
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        session: { type: "apiKey", in: "cookie", name: "roomful_session" },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
