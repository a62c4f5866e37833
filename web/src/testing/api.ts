// A mocked LeadDesk API for component tests (msw): every request the app makes is answered here
// or fails the test. `answer` replaces one route for a test and records what the app sent.
import { http, HttpResponse, type JsonBodyType } from "msw";
import { setupServer } from "msw/node";
import type { Lead } from "../api/client";

export const API = "http://api.leaddesk.test";

type Method = "get" | "post" | "put" | "patch" | "delete";

/** One request as the API received it. */
export interface Received {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

const empty = { items: [], next_cursor: null };

/** What a signed-in frame and an empty list ask for, answered with nothing to show. */
export const server = setupServer(
  http.get("*/config.json", () => HttpResponse.json({ apiUrl: API, auth: { mode: "local" } })),
  http.get(`${API}/leads/summary`, () =>
    HttpResponse.json({
      tabs: {
        marketplace: { total: 0, by_status: {} },
        qualified: { total: 0, by_status: {} },
        favorites: { total: 0, by_status: {} },
      },
    }),
  ),
  http.get(`${API}/leads`, () => HttpResponse.json(empty)),
  http.get(`${API}/notifications`, () => HttpResponse.json({ ...empty, unread: 0, open: 0 })),
  http.get(`${API}/exports`, () => HttpResponse.json(empty)),
  http.get(`${API}/settings/suppressions`, () => HttpResponse.json({ items: [] })),
);

/**
 * Answer `method path` (msw path syntax, e.g. "/leads/:leadId/accept") with `body` and
 * `status` for the rest of the test; returns the list the requests it receives are added to.
 */
export function answer(method: Method, path: string, body: JsonBodyType, status = 200): Received[] {
  const received: Received[] = [];
  server.use(
    http[method](`${API}${path}`, async ({ request }) => {
      const text = await request.text();
      received.push({
        method: request.method,
        url: new URL(request.url),
        headers: request.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      });
      return status === 204 ? new HttpResponse(null, { status }) : HttpResponse.json(body, { status });
    }),
  );
  return received;
}

/** A received lead as GET /leads/{id} returns it; override what a test needs. */
export function aLead(overrides: Partial<Lead> = {}): Lead {
  return {
    lead_id: "lead-1",
    lead_type: "offer",
    tab: "marketplace",
    status: "received",
    created_at: "2026-12-01T09:00:00Z",
    updated_at: "2026-12-01T09:00:00Z",
    customer: { company: "Northwind", first_name: "Ana", last_name: "Lopez", email: "ana@northwind.test", country: "US" },
    contact_requested: true,
    flame: "hot",
    do_not_contact: false,
    is_test: false,
    email_validity: "valid",
    phone_validity: "unknown",
    lead_quality: "high",
    quality_reasons: [],
    favorite: false,
    team: [],
    history: [],
    actions: ["accept", "decline", "edit", "qualify", "evaluate", "won", "lost", "convert", "close_as_error"],
    missing_steps: [],
    etag: '"etag-1"',
    ...overrides,
  };
}
