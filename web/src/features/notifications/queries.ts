// The action center's server state: the feed by cursor, marking read, the frame's unread count.
import { useInfiniteQuery, useIsFetching, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type NotificationPage } from "../../api/client";

const PAGE_SIZE = 25;

/** The action center's query keys: everything under "notifications", so marking read refreshes both. */
export const notificationKeys = {
  all: ["notifications"] as const,
  unread: ["notifications", "unread"] as const,
};

/** The feed, newest first, a page at a time; its unread count is asked again every minute. */
export function useNotifications() {
  return useInfiniteQuery({
    queryKey: notificationKeys.all,
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
    onSettled: () => client.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

/** The action center's unread count for the frame's badge. Asked once the page's own requests
 * have settled, so that it never delays a page's first rows. */
export function useUnreadCount() {
  const fetching = useIsFetching();
  // Latched during render (not in an effect, which would cost one more render): once ready, always.
  const [ready, setReady] = useState(false);
  if (!ready && fetching === 0) setReady(true);
  return useQuery({
    queryKey: notificationKeys.unread,
    queryFn: async ({ signal }) =>
      unwrap(await api().GET("/notifications", { params: { query: { limit: 1 } }, signal })).unread,
    enabled: ready,
    refetchInterval: 60_000,
  });
}
