// The CRM endpoints' server state: endpoints, their delivery logs, and what a referral admin does to them.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";

export type Endpoint = components["schemas"]["EndpointView"];
export type EndpointCreate = components["schemas"]["EndpointCreate"];
export type EndpointPatch = components["schemas"]["EndpointPatch"];
export type Delivery = components["schemas"]["DeliveryView"];

export const integrationKeys = {
  endpoints: ["webhooks"] as const,
  deliveries: (endpointId: string) => ["webhooks", endpointId, "deliveries"] as const,
};

export function useEndpoints(enabled: boolean) {
  return useQuery({
    queryKey: integrationKeys.endpoints,
    queryFn: async ({ signal }) => unwrap(await api().GET("/webhooks", { signal })).items,
    enabled,
  });
}

export function useCreateEndpoint() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: EndpointCreate) => unwrap(await api().POST("/webhooks", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: integrationKeys.endpoints }),
  });
}

export function useUpdateEndpoint(endpointId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: EndpointPatch) =>
      unwrap(await api().PATCH("/webhooks/{endpoint_id}", { params: { path: { endpoint_id: endpointId } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: integrationKeys.endpoints }),
  });
}

export function useRotateSecret(endpointId: string) {
  return useMutation({
    mutationFn: async () =>
      unwrap(
        await api().POST("/webhooks/{endpoint_id}/rotate-secret", { params: { path: { endpoint_id: endpointId } } }),
      ),
  });
}

export function useSendTest(endpointId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      unwrap(await api().POST("/webhooks/{endpoint_id}/test", { params: { path: { endpoint_id: endpointId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: integrationKeys.deliveries(endpointId) }),
  });
}

export function useDeliveries(endpointId: string, enabled: boolean) {
  return useQuery({
    queryKey: integrationKeys.deliveries(endpointId),
    queryFn: async ({ signal }) =>
      unwrap(
        await api().GET("/webhooks/{endpoint_id}/deliveries", {
          params: { path: { endpoint_id: endpointId }, query: { limit: 25 } },
          signal,
        }),
      ).items,
    enabled,
    // While a delivery is pending (queued, or waiting for its next attempt), look again shortly.
    refetchInterval: (query) => (query.state.data?.some((delivery) => delivery.status === "pending") ? 2000 : false),
  });
}

export function useRetryDelivery(endpointId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (deliveryId: string) =>
      unwrap(
        await api().POST("/webhooks/{endpoint_id}/deliveries/{delivery_id}/retry", {
          params: { path: { endpoint_id: endpointId, delivery_id: deliveryId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: integrationKeys.deliveries(endpointId) }),
  });
}
