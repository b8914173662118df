import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { type Actor, can, checkAccess, scopesFor } from './access.js';
import { buildHttp } from './app.js';

const commune: Actor = {
  kind: 'official',
  id: 'a',
  name: 'Chủ tịch UBND phường Phủ Lý',
  grants: [
    { role: 'unit_admin', actions: ['org.*'], scope: { unitPath: '37.13285' } },
    { role: 'specialist', actions: ['services.dossier.process'], scope: { unitPath: '37', agencyId: 'STP' } },
  ],
};

describe('authorization checks', () => {
  it('covers a unit and its subtree only, with a dot boundary', () => {
    expect(can(commune, 'org.unit.manage', { unitPath: '37.13285' })).toBe(true);
    expect(can(commune, 'org.unit.manage', { unitPath: '37.13285.1' })).toBe(true);
    expect(can(commune, 'org.unit.manage', { unitPath: '37.132851' })).toBe(false);
    expect(can(commune, 'org.unit.manage', { unitPath: '37.13291' })).toBe(false);
    expect(can(commune, 'org.unit.manage', { unitPath: '37' })).toBe(false);
    expect(can(commune, 'org.unit.manage', {})).toBe(false);
  });

  it('matches wildcards by prefix and restricts agency grants to their agency', () => {
    expect(can(commune, 'org.agency.manage')).toBe(true);
    expect(can(commune, 'organisation.x')).toBe(false);
    expect(can(commune, 'services.dossier.process', { unitPath: '37', agencyId: 'STP' })).toBe(true);
    expect(can(commune, 'services.dossier.process', { unitPath: '37', agencyId: 'SXD' })).toBe(false);
    expect(can(null, 'org.unit.manage')).toBe(false);
    const root: Actor = { kind: 'official', id: 'r', name: 'r', grants: [{ role: 'system_admin', actions: ['*'], scope: { unitPath: '37' } }] };
    expect(can(root, 'anything.at.all', { unitPath: '37.13285' })).toBe(true);
    expect(can(root, 'anything.at.all', { unitPath: '01.00004' })).toBe(false);
  });

  it('lists scopes for scoped queries (null means everywhere)', () => {
    expect(scopesFor(commune, 'org.unit.manage')).toEqual([{ unitPath: '37.13285' }]);
    expect(scopesFor(null, 'x')).toEqual([]);
    const everywhere: Actor = { kind: 'system', id: 's', name: 's', grants: [{ role: 'system', actions: ['*'], scope: {} }] };
    expect(scopesFor(everywhere, 'x')).toBeNull();
  });

  it('checks route-level access declarations', () => {
    expect(() => checkAccess(null, 'public')).not.toThrow();
    expect(() => checkAccess(null, 'signed-in')).toThrow('UNAUTHENTICATED');
    expect(() => checkAccess(commune, { kinds: ['citizen'] })).toThrow('FORBIDDEN');
    expect(() => checkAccess(commune, { action: 'org.unit.manage' })).not.toThrow();
    expect(() => checkAccess(commune, { action: 'system.audit.read' })).toThrow('FORBIDDEN');
  });
});

describe('CSRF on cookie sessions', () => {
  it('requires the session token on unsafe methods, not on reads or bearer calls', async () => {
    const app = await buildHttp({
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      logger: false,
      authenticate: async (req) =>
        req.headers.cookie ? { actor: commune, csrfToken: 'tok-123' } : req.headers.authorization ? { actor: commune } : null,
    });
    app.get('/api/r', { config: { access: 'signed-in' } }, async () => ({ ok: true }));
    app.post('/api/w', { config: { access: 'signed-in' } }, async () => ({ ok: true }));
    const cookie = { cookie: 'congso_session=x' };
    expect((await app.inject({ method: 'GET', url: '/api/r', headers: cookie })).statusCode).toBe(200);
    const refused = await app.inject({ method: 'POST', url: '/api/w', headers: cookie });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('CSRF_FAILED');
    expect((await app.inject({ method: 'POST', url: '/api/w', headers: { ...cookie, 'x-csrf-token': 'wrong' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/w', headers: { ...cookie, 'x-csrf-token': 'tok-123' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/w', headers: { authorization: 'Bearer t' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/w' })).statusCode).toBe(401);
    await app.close();
  });
});
