// Server state through TanStack Query: cached per query key, retried on network errors (never on
// 4xx), and invalidated after every change so counts, lists and the lead agree.
import {
  QueryClient,
  useInfiniteQuery,
  useIsFetching,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useEffect, useState } from "react";
import {
  api,
  ApiError,
  unwrap,
  type Action,
  type Export,
  type Lead,
  type LeadPage,
  type ListQuery,
  type NotificationPage,
  type SettingsUpdate,
} from "./api/client";
import { queryFromSearch } from "./listQuery";

export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      },
    },
  });
}

const summaryQuery = {
  queryKey: ["summary"],
  queryFn: async ({ signal }: { signal: AbortSignal }) => unwrap(await api().GET("/leads/summary", { signal })),
};

export function useSummary() {
  return useQuery(summaryQuery);
}

export const PAGE_SIZE = 25;

function leadsQuery(query: ListQuery) {
  return {
    queryKey: ["leads", { ...query, limit: PAGE_SIZE }],
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
    queryKey: ["lead", leadId],
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
    onSuccess: (updated) => client.setQueryData(["lead", lead.lead_id], updated),
    onSettled: () => client.invalidateQueries({ predicate: (query) => query.queryKey[0] !== "lead" }),
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

// --- exports ------------------------------------------------------------------------------------
const ACTIVE_EXPORT = new Set(["queued", "running"]);

/** Start an export of the list as it is filtered and sorted now. */
export function useStartExport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (query: ListQuery): Promise<Export> => {
      const { limit: _limit, cursor: _cursor, ...filters } = query as ListQuery & { limit?: number; cursor?: string };
      return unwrap(await api().POST("/exports", { body: filters as never }));
    },
    onSuccess: (started) => {
      client.setQueryData(["export", started.export_id], started);
      void client.invalidateQueries({ queryKey: ["exports"] });
    },
  });
}

/** One export, asked again every second while it runs (each answer carries a fresh link once done). */
export function useExport(exportId: string) {
  return useQuery({
    queryKey: ["export", exportId],
    queryFn: async ({ signal }) =>
      unwrap(await api().GET("/exports/{export_id}", { params: { path: { export_id: exportId } }, signal })),
    refetchInterval: (query) => (query.state.data && ACTIVE_EXPORT.has(query.state.data.status) ? 1000 : false),
    staleTime: 0,
  });
}

export function useExports() {
  return useQuery({
    queryKey: ["exports"],
    queryFn: async ({ signal }) => unwrap(await api().GET("/exports", { signal })),
  });
}

// --- the action center and the settings -----------------------------------------------------------
/** The feed, newest first, a page at a time; its unread count is asked again every minute. */
export function useNotifications() {
  return useInfiniteQuery({
    queryKey: ["notifications"],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(await api().GET("/notifications", { params: { query: { limit: PAGE_SIZE, cursor: pageParam } }, signal })),
    getNextPageParam: (page: NotificationPage) => page.next_cursor ?? undefined,
    refetchInterval: 60_000,
  });
}

export function useMarkRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (notificationId: string | "all") => {
      if (notificationId === "all") {
        unwrap(await api().POST("/notifications/read-all", {}));
      } else {
        unwrap(
          await api().POST("/notifications/{notification_id}/read", {
            params: { path: { notification_id: notificationId } },
          }),
        );
      }
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["notifications"] }),
  });
}

export function useSettings() {
  return useQuery({
    queryKey: ["settings"],
    queryFn: async ({ signal }) => unwrap(await api().GET("/settings", { signal })),
  });
}

export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (settings: SettingsUpdate) => unwrap(await api().PUT("/settings", { body: settings })),
    onSuccess: (saved) => client.setQueryData(["settings"], saved),
  });
}

/** The action center's unread count for the frame's badge. Asked once the page's own requests
 * have settled, so that it never delays a page's first rows. */
export function useUnreadCount() {
  const fetching = useIsFetching();
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (fetching === 0) setReady(true);
  }, [fetching]);
  return useQuery({
    queryKey: ["notifications", "unread"],
    queryFn: async ({ signal }) =>
      unwrap(await api().GET("/notifications", { params: { query: { limit: 1 } }, signal })).unread,
    enabled: ready,
    refetchInterval: 60_000,
  });
}
