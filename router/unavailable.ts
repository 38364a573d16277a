// Outages as a status clients can retry on: when no data came back and every error says a
// dependency is away (a subgraph's SERVICE_UNAVAILABLE, or a subgraph the router cannot reach),
// the response is HTTP 503 with Retry-After and each error is coded SERVICE_UNAVAILABLE.
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { GraphQLError } from 'graphql';

const UNREACHABLE = /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|other side closed|UND_ERR/i;

function outage(error: any): { retryAfter: number; dependency: string } | undefined {
  const extensions = error && error.extensions ? error.extensions : {};
  if (extensions.code === 'SERVICE_UNAVAILABLE') {
    return { retryAfter: Number(extensions.retryAfterSeconds) || 1, dependency: String(extensions.dependency || 'unknown') };
  }
  if (UNREACHABLE.test(String(error && error.message))) return { retryAfter: 1, dependency: 'subgraph' };
  return undefined;
}

export function useUnavailableStatus(): GatewayPlugin {
  return {
    onExecutionResult({ result, setResult }: any) {
      if (!result || Symbol.asyncIterator in result || !result.errors || !result.errors.length) return;
      if (result.data !== null && result.data !== undefined && Object.values(result.data).some((v) => v !== null)) return;
      const outages = result.errors.map(outage);
      if (outages.some((o: unknown) => o === undefined)) return;
      const retryAfter = Math.max(...outages.map((o: { retryAfter: number }) => o.retryAfter));
      const errors = result.errors.map(
        (error: any, i: number) =>
          new GraphQLError(outages[i].dependency === 'subgraph' ? 'A service this request needs is unavailable. Retry shortly.' : error.message, {
            path: error.path,
            extensions: {
              ...(error.extensions || {}),
              code: 'SERVICE_UNAVAILABLE',
              dependency: outages[i].dependency,
              retryAfterSeconds: retryAfter,
              http: { status: 503, headers: { 'retry-after': String(retryAfter) } },
            },
          }),
      );
      setResult({ ...result, errors });
    },
  } as GatewayPlugin;
}
