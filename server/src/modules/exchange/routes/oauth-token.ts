import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { PARTNER_TAG } from '../http.js';
import { issueToken, OAuthError, TOKEN_TTL_S } from '../partner.service.js';

const oauthError = z.object({ error: z.string(), error_description: z.string() });

/** Errors as RFC 6749 §5.2 says, which OAuth client libraries parse; descriptions in Vietnamese. */
function oauthErrorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const send = (status: number, e: string, description: string) =>
    reply.code(status).headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...(status === 401 ? { 'www-authenticate': 'Basic realm="congso"' } : {}) })
      .send(JSON.stringify({ error: e, error_description: description }));
  if (error instanceof OAuthError) return send(error.status, error.error, error.description);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const v = error.validation[0] as { instancePath?: string; message?: string } | undefined;
    const field = v?.instancePath?.split('/').filter(Boolean).join('.') || 'body';
    return send(400, 'invalid_request', `Tham số ${field} không hợp lệ: ${v?.message ?? ''}`.trim());
  }
  if (error.statusCode && error.statusCode < 500) return send(400, 'invalid_request', 'Yêu cầu không hợp lệ');
  req.log.error({ err: error }, 'oauth token failed');
  return send(500, 'server_error', 'Lỗi hệ thống');
}

export function oauthTokenRoute(app: App, k: Kernel) {
  app.post(
    '/api/exchange/oauth/token',
    {
      config: { access: 'public', csrfExempt: true },
      errorHandler: oauthErrorHandler,
      schema: {
        tags: [PARTNER_TAG],
        summary: `OAuth 2.0 client credentials: mã truy cập ngắn hạn (${TOKEN_TTL_S} giây) cho hệ thống đối tác; client_id/client_secret trong thân hoặc HTTP Basic`,
        body: z.object({
          grant_type: z.string().max(50),
          client_id: z.string().max(200).optional(),
          client_secret: z.string().max(200).optional(),
          scope: z.string().max(500).optional(),
        }),
        response: {
          200: z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number(), scope: z.string() }),
          400: oauthError,
          401: oauthError,
        },
      },
    },
    async (req, reply) => {
      let { client_id: clientId, client_secret: clientSecret } = req.body;
      const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
      if (basic) {
        const [id, ...rest] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
        clientId = decodeURIComponent(id ?? '');
        clientSecret = decodeURIComponent(rest.join(':'));
      }
      const token = await issueToken(k, { clientId, clientSecret, grantType: req.body.grant_type, scope: req.body.scope }, req.id);
      return reply.header('cache-control', 'no-store').send(token);
    },
  );
}
