import { z } from 'zod';
import type { RouteSpec } from './route-spec.js';

const problem = {
  description: 'problem+json: type, title, status, code, detail',
  content: { 'application/problem+json': { schema: { type: 'object' } } },
};

/** The OpenAPI 3.1 document of the citizen API, generated from the same specs as the router. */
export function openApiDocument(routes: RouteSpec[], serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const pathParams = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const toSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    const queryParams =
      route.query instanceof z.ZodObject
        ? Object.entries(route.query.shape).map(([name, schema]) => ({
            name,
            in: 'query',
            required: !(schema as z.ZodType).safeParse(undefined).success,
            schema: toSchema(schema as z.ZodType),
          }))
        : route.query
          ? [{ name: 'fields', in: 'query', style: 'form', explode: true, schema: toSchema(route.query) }]
          : [];
    const headerParams = Object.entries(route.headers ?? {}).map(([name, header]) => ({
      name,
      in: 'header',
      required: header.required,
      description: header.description,
      schema: { type: 'string' },
    }));
    const successHeaders = Object.entries(route.responseHeaders ?? {}).map(([name, description]) => [
      name,
      { description, schema: { type: 'string' } },
    ]);
    const problems = Object.entries(route.problems ?? {}).map(([status, description]) => [
      status,
      { ...problem, description: `problem+json: ${description}` },
    ]);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method] = {
      summary: route.summary,
      ...(route.scopes ? { security: [{ bearer: route.scopes }] } : { security: [] }),
      parameters: [...pathParams, ...queryParams, ...headerParams],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: toSchema(route.body) },
              },
            },
          }
        : {}),
      responses: {
        [String(route.status ?? 200)]: {
          description: 'success',
          ...(successHeaders.length ? { headers: Object.fromEntries(successHeaders) } : {}),
        },
        ...(route.body || route.query || route.headers ? { 400: problem } : {}),
        ...(route.scopes ? { 401: problem, 403: problem } : {}),
        ...Object.fromEntries(problems),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Citizen BillPay hub API', version: '1' },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (RFC 9068) from the idp' } },
    },
    paths,
  };
}
