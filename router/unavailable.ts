// Outages as a status clients can retry on: when no data came back and every error says a
// dependency is away (a subgraph's SERVICE_UNAVAILABLE, or a subgraph the router cannot reach),
// the response is HTTP 503 with Retry-After and each error is coded SERVICE_UNAVAILABLE.
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { GraphQLError } from 'graphql';

const UNREACHABLE = /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|other side closed|UND_ERR/i;

// Subgraph errors arrive coded; an unreachable subgraph is coded by `maskError` below.
function outage(error: any): { retryAfter: number; dependency: string } | undefined {
  const extensions = error && error.extensions ? error.extensions : {};
  if (extensions.code !== 'SERVICE_UNAVAILABLE') return undefined;
  return { retryAfter: Number(extensions.retryAfterSeconds) || 1, dependency: String(extensions.dependency || 'unknown') };
}

function unreachable(error: unknown): boolean {
  let current: any = error;
  for (let depth = 0; current && depth < 6; depth += 1) {
    if (UNREACHABLE.test(String(current.message)) || UNREACHABLE.test(String(current.code))) return true;
    current = current.originalError || current.cause;
  }
  return false;
}

function isOriginalGraphQLError(error: unknown): boolean {
  if (!(error instanceof GraphQLError)) return false;
  return error.originalError ? isOriginalGraphQLError(error.originalError) : true;
}

/**
 * The gateway's error mask (yoga's `maskError`, with one exception): a subgraph the router cannot
 * reach is SERVICE_UNAVAILABLE, not a masked INTERNAL_SERVER_ERROR. Everything unexpected is
 * still masked as yoga masks it; errors the subgraphs coded pass unchanged.
 */
export function maskError(error: unknown, message: string): Error {
  if (isOriginalGraphQLError(error)) return error as GraphQLError;
  const graphql = error instanceof GraphQLError ? error : undefined;
  const where = graphql ? { nodes: graphql.nodes, source: graphql.source, positions: graphql.positions, path: graphql.path } : {};
  if (unreachable(error)) {
    return new GraphQLError('A service this request needs is unavailable. Retry shortly.', {
      ...where,
      extensions: { code: 'SERVICE_UNAVAILABLE', dependency: 'subgraph', retryAfterSeconds: 1 },
    });
  }
  const http = graphql && graphql.extensions && graphql.extensions.http;
  return new GraphQLError(message, { ...where, extensions: { code: 'INTERNAL_SERVER_ERROR', unexpected: true, ...(http ? { http } : {}) } });
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
          new GraphQLError(error.message, {
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
