import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { errors } from '../../../kernel/errors.js';
import { meSchema, requestSessions, TAG } from '../http.js';
import { meFromSession } from '../me.js';

export function meRoute(app: App, _k: Kernel) {
  app.get(
    '/api/auth/me',
    {
      config: { access: 'signed-in' },
      schema: { tags: [TAG], summary: 'Người dùng đang đăng nhập', response: { 200: meSchema } },
    },
    async (req) => {
      // The CSRF token belongs to the session, which the actor does not carry.
      const s = requestSessions.get(req);
      if (!s) throw errors.unauthenticated();
      return meFromSession(s);
    },
  );
}
