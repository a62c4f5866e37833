// The action center's server state: the feed by cursor and state, marking read, the frame's open count.
import { useInfiniteQuery, useIsFetching, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type NotificationPage } from "../../api/client";

const PAGE_SIZE = 25;

/** Which items the feed shows: those still asking for something, those done, or all. */
export type NotificationState = "open" | "resolved" | "all";

/** The action center's query keys: everything under "notifications", so marking read refreshes all. */
export const notificationKeys = {
  all: ["notifications"] as const,
  feed: (state: NotificationState) => ["notifications", "feed", state] as const,
  open: ["notifications", "open"] as const,
};

/** The feed, newest first, a page at a time; its counts are asked again every minute. */
export function useNotifications(state: NotificationState = "all") {
  return useInfiniteQuery({
    queryKey: notificationKeys.feed(state),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api().GET("/notifications", { params: { query: { limit: PAGE_SIZE, cursor: pageParam, state } }, signal }),
      ),
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
    onSettled: () => client.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

/** The action center's open count (what still asks for something) for the frame's badge. Asked
 * once the page's own requests have settled, so that it never delays a page's first rows. */
export function useOpenCount() {
  const fetching = useIsFetching();
  // Latched during render (not in an effect, which would cost one more render): once ready, always.
  const [ready, setReady] = useState(false);
  if (!ready && fetching === 0) setReady(true);
  return useQuery({
    queryKey: notificationKeys.open,
    queryFn: async ({ signal }) =>
      unwrap(await api().GET("/notifications", { params: { query: { limit: 1, state: "open" } }, signal })).open,
    enabled: ready,
    refetchInterval: 60_000,
  });
}
