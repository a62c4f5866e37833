// The notification settings' server state.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type SettingsUpdate } from "../../api/client";

/** The settings feature's query keys. */
export const settingsKeys = {
  all: ["settings"] as const,
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
