// The leads' server state through TanStack Query: the tabs' counts, the list by cursor, a lead,
// its actions and the heart. Every change invalidates what it may have moved, so counts, lists
// and the lead agree.
import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Action, type Lead, type LeadPage, type ListQuery } from "../../api/client";
import { queryFromSearch } from "./listQuery";

export const PAGE_SIZE = 25;
const LEAD = "lead";

/** The leads feature's query keys. */
export const leadKeys = {
  summary: ["summary"] as const,
  list: (query: ListQuery) => ["leads", { ...query, limit: PAGE_SIZE }] as const,
  lead: (leadId: string) => [LEAD, leadId] as const,
};

const summaryQuery = {
  queryKey: leadKeys.summary,
  queryFn: async ({ signal }: { signal: AbortSignal }) => unwrap(await api().GET("/leads/summary", { signal })),
};

export function useSummary() {
  return useQuery(summaryQuery);
}

function leadsQuery(query: ListQuery) {
  return {
    queryKey: leadKeys.list(query),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }: { pageParam: string | undefined; signal: AbortSignal }) =>
      unwrap(
        await api().GET("/leads", { params: { query: { ...query, limit: PAGE_SIZE, cursor: pageParam } }, signal }),
      ),
    getNextPageParam: (page: LeadPage) => page.next_cursor ?? undefined,
  };
}

export function useLeads(query: ListQuery) {
  return useInfiniteQuery(leadsQuery(query));
}

/** The list view's two requests, started before React renders the page (see main.tsx). */
export function prefetchList(client: QueryClient, search: URLSearchParams): void {
  void client.prefetchQuery(summaryQuery);
  void client.prefetchInfiniteQuery(leadsQuery(queryFromSearch(search)));
}

export function useLead(leadId: string) {
  return useQuery({
    queryKey: leadKeys.lead(leadId),
    queryFn: async ({ signal }) =>
      unwrap(await api().GET("/leads/{lead_id}", { params: { path: { lead_id: leadId } }, signal })),
  });
}

type ActionPath =
  | "/leads/{lead_id}/accept"
  | "/leads/{lead_id}/decline"
  | "/leads/{lead_id}/qualify"
  | "/leads/{lead_id}/evaluate"
  | "/leads/{lead_id}/won"
  | "/leads/{lead_id}/lost"
  | "/leads/{lead_id}/convert"
  | "/leads/{lead_id}/close-as-error";

const ACTION_PATHS: Partial<Record<Action, ActionPath>> = {
  accept: "/leads/{lead_id}/accept",
  decline: "/leads/{lead_id}/decline",
  qualify: "/leads/{lead_id}/qualify",
  evaluate: "/leads/{lead_id}/evaluate",
  won: "/leads/{lead_id}/won",
  lost: "/leads/{lead_id}/lost",
  convert: "/leads/{lead_id}/convert",
  close_as_error: "/leads/{lead_id}/close-as-error",
};

/** An action on a lead. It may move counts, lists, the action center and exports' inputs: every
 * query but the lead's own (set from the answer) is invalidated. */
export function useAct(lead: Lead) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, body }: { action: Action; body: Record<string, unknown> }): Promise<Lead> => {
      const params = { path: { lead_id: lead.lead_id } };
      if (action === "edit") {
        return unwrap(
          await api().PATCH("/leads/{lead_id}", {
            params: { ...params, header: { "if-match": lead.etag } },
            body: body as never,
          }),
        );
      }
      const path = ACTION_PATHS[action];
      if (!path) throw new Error(`${action} is not an action a person takes`);
      return unwrap(await api().POST(path, { params, body: body as never }));
    },
    onSuccess: (updated) => client.setQueryData(leadKeys.lead(lead.lead_id), updated),
    onSettled: () => client.invalidateQueries({ predicate: (query) => query.queryKey[0] !== LEAD }),
  });
}

export function useFavorite(leadId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (favorite: boolean) => {
      const params = { params: { path: { lead_id: leadId } } };
      const answer = favorite
        ? await api().PUT("/leads/{lead_id}/favorite", params)
        : await api().DELETE("/leads/{lead_id}/favorite", params);
      unwrap(answer);
    },
    onSettled: () => client.invalidateQueries(),
  });
}
