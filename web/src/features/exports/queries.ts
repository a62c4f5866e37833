// The exports' server state: start one, follow it while it runs, list the recent ones.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Export, type ListQuery } from "../../api/client";

/** The exports feature's query keys. */
export const exportKeys = {
  all: ["exports"] as const,
  one: (exportId: string) => ["export", exportId] as const,
};

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
      client.setQueryData(exportKeys.one(started.export_id), started);
      void client.invalidateQueries({ queryKey: exportKeys.all });
    },
  });
}

/** One export, asked again every second while it runs (each answer carries a fresh link once done). */
export function useExport(exportId: string) {
  return useQuery({
    queryKey: exportKeys.one(exportId),
    queryFn: async ({ signal }) =>
      unwrap(await api().GET("/exports/{export_id}", { params: { path: { export_id: exportId } }, signal })),
    refetchInterval: (query) => (query.state.data && ACTIVE_EXPORT.has(query.state.data.status) ? 1000 : false),
    staleTime: 0,
  });
}

export function useExports() {
  return useQuery({
    queryKey: exportKeys.all,
    queryFn: async ({ signal }) => unwrap(await api().GET("/exports", { signal })),
  });
}
