// The app's one QueryClient: cached per query key, retried on network errors and 5xx (never on
// 4xx). Each feature keeps its own query keys and hooks (features/*/queries.ts).
import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./client";

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
