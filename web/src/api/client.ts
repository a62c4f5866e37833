// The typed API client: paths and bodies come from docs/openapi.json (schema.d.ts is generated,
// and a check fails the build when it drifts), so the UI cannot disagree with the API.
import createClient, { type Middleware } from "openapi-fetch";
import { config } from "../config";
import { currentSession, dropSession } from "../auth/session";
import type { components, paths } from "./schema";

export type Lead = components["schemas"]["LeadView"];
export type LeadPage = components["schemas"]["LeadPage"];
export type Summary = components["schemas"]["Summary"];
export type ErrorBody = components["schemas"]["ErrorBody"];
export type LeadStatus = components["schemas"]["LeadStatus"];
export type Tab = components["schemas"]["Tab"];
export type Action = components["schemas"]["Action"];
export type ListQuery = NonNullable<paths["/leads"]["get"]["parameters"]["query"]>;
export type Export = components["schemas"]["ExportView"];

/** An answer other than 2xx: its status and the API's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

const listeners = new Set<() => void>();

/** Called when the API says the token no longer works (401): the session has expired. */
export function onSessionExpired(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const authorize: Middleware = {
  onRequest({ request }) {
    const session = currentSession();
    if (session) request.headers.set("Authorization", `Bearer ${session.token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) {
      dropSession();
      listeners.forEach((listener) => listener());
    }
    return response;
  },
};

let client: ReturnType<typeof createClient<paths>> | undefined;

export function api(): ReturnType<typeof createClient<paths>> {
  if (!client) {
    client = createClient<paths>({ baseUrl: config().apiUrl });
    client.use(authorize);
  }
  return client;
}

/** The data of an answer, or an ApiError carrying the API's message. */
export function unwrap<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.error !== undefined || !answer.response.ok) {
    const body = (answer.error ?? { message: answer.response.statusText }) as ErrorBody;
    throw new ApiError(answer.response.status, body);
  }
  return answer.data as T;
}
export type ActionItem = components["schemas"]["ActionItem"];
export type NotificationPage = components["schemas"]["NotificationPage"];
export type NotificationSettings = components["schemas"]["SettingsView"];
export type SettingsUpdate = components["schemas"]["SettingsUpdate"];
export type Language = components["schemas"]["Language"];
export type LeadEmail = components["schemas"]["LeadEmail"];
