import type { RequestHandler } from 'express';
import { findGroupSettings, saveGroupSettings } from '@stowage/dependency-proxy-data';
import type { ProxyApiContext } from './api-context';
import { administeredGroup, readableGroup } from './group-grant';
import { parseSettingsBody } from './settings-body';
import { settingsJson } from './settings-json';

/** `GET /groups/:id/dependency_proxy/settings` (Guest and up). */
export function getSettings(ctx: ProxyApiContext): RequestHandler {
  return async (req, res) => {
    const group = await readableGroup(ctx, req, res);
    res.json(settingsJson(await findGroupSettings(ctx.prisma, group.id)));
  };
}

/** `PUT /groups/:id/dependency_proxy/settings` (Owner): the fields given change, the rest stay. */
export function putSettings(ctx: ProxyApiContext): RequestHandler {
  return async (req, res) => {
    const group = await administeredGroup(ctx, req, res);
    const current = await findGroupSettings(ctx.prisma, group.id);
    const change = parseSettingsBody(req.body, current, ctx.secrets);
    const saved = await saveGroupSettings(ctx.prisma, group.id, change);
    ctx.onSettingsChanged?.(group.id);
    res.json(settingsJson(saved));
  };
}
