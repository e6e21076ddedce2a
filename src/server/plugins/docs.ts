// OpenAPI generated from the routes' JSON schemas (@fastify/swagger), browsable at /docs.
import swagger from '@fastify/swagger';
import { completeRouteContract, componentName, LICENSE, SERVERS } from '../openapiContract.js';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { securitySchemes } from './auth.js';

/** Registered on the root instance before any route so that every route lands in the spec. */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', completeRouteContract);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Encore',
        description: 'Music recommender: feeds with reasons and per-stage traces, listening events, catalog updates',
        license: LICENSE,
        version: '0.1.0',
      },
      // Each route's security requirement comes from its scope (auth.ts documentScope).
      components: { securitySchemes },
      tags: [
        { name: 'feed', description: 'Recommendations' },
        { name: 'events', description: 'Listening events' },
        { name: 'catalog', description: 'Tracks: add, update, take down, look up, search; genres and markets' },
        { name: 'users', description: 'Listener profiles, what Encore knows of a listener, erasure' },
        { name: 'admin', description: 'Health, readiness, metrics' },
      ],
      servers: SERVERS,
    },
    refResolver: { buildLocalReference: componentName },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
