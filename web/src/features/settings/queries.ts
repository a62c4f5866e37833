// The notification settings' server state.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type SettingsUpdate } from "../../api/client";

/** The settings feature's query keys. */
export const settingsKeys = {
  all: ["settings"] as const,
  suppressions: ["settings", "suppressions"] as const,
};

export function useSettings() {
  return useQuery({
    queryKey: settingsKeys.all,
    queryFn: async ({ signal }) => unwrap(await api().GET("/settings", { signal })),
  });
}

export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (settings: SettingsUpdate) => unwrap(await api().PUT("/settings", { body: settings })),
    onSuccess: (saved) => client.setQueryData(settingsKeys.all, saved),
  });
}

/** Addresses no longer emailed after a hard bounce or a complaint. */
export function useSuppressions() {
  return useQuery({
    queryKey: settingsKeys.suppressions,
    queryFn: async ({ signal }) => unwrap(await api().GET("/settings/suppressions", { signal })).items,
  });
}

/** Clear a suppressed address: emails go to it again. */
export function useClearSuppression() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (address: string) =>
      unwrap(await api().DELETE("/settings/suppressions/{address}", { params: { path: { address } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: settingsKeys.suppressions }),
  });
}
