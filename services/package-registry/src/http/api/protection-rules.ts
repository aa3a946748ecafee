import type { RequestHandler } from 'express';
import { ApiError, integerIdParam, pageOf, setPaginationHeaders } from '@stowage/http';
import { Prisma, type PackageProtectionRule } from '@stowage/package-registry-data';
import { projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { assertRestrictsSomething, newRuleFields, ruleChanges } from './protection-rule-params';
import { requestParams } from './request-params';

/**
 * GitLab's package protection rules API, for Maintainers and above (`admin_package`):
 * `GET`/`POST /projects/:id/packages/protection/rules`, `PATCH`/`DELETE .../:package_protection_rule_id`.
 * The rules themselves are applied by core/protection.ts on every push and delete.
 */

export function presentRule(rule: PackageProtectionRule) {
  return {
    id: rule.id,
    project_id: rule.projectId,
    package_name_pattern: rule.packageNamePattern,
    package_type: rule.packageType,
    minimum_access_level_for_push: rule.minimumAccessLevelForPush,
    minimum_access_level_for_delete: rule.minimumAccessLevelForDelete,
  };
}

const taken = () => new ApiError(422, { message: 'Package name pattern has already been taken' });

/** A unique index refusal (same project, type and pattern) as GitLab words it. */
async function unlessTaken<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw taken();
    throw error;
  }
}

async function ruleOfProject(ctx: PackageContext, projectId: number, raw: string | undefined) {
  const id = integerIdParam(raw, 'package_protection_rule_id');
  const rule = await ctx.prisma.packageProtectionRule.findFirst({ where: { id, projectId } });
  if (!rule) throw ApiError.notFound('Package Protection Rule');
  return rule;
}

export function listProtectionRules(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const page = pageOf(req);
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'admin');
    const where = { projectId: access.project.id };
    const [total, rules] = await Promise.all([
      ctx.prisma.packageProtectionRule.count({ where }),
      ctx.prisma.packageProtectionRule.findMany({
        where,
        orderBy: { id: 'asc' },
        skip: page.skip,
        take: page.take,
      }),
    ]);
    setPaginationHeaders(req, res, ctx.externalUrl, page, total);
    res.json(rules.map(presentRule));
  };
}

export function createProtectionRule(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const fields = newRuleFields(requestParams(req));
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'admin');
    const rule = await unlessTaken(() =>
      ctx.prisma.packageProtectionRule.create({ data: { projectId: access.project.id, ...fields } }),
    );
    res.status(201).json(presentRule(rule));
  };
}

export function updateProtectionRule(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const changes = ruleChanges(requestParams(req));
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'admin');
    const rule = await ruleOfProject(ctx, access.project.id, req.params.package_protection_rule_id as string);
    assertRestrictsSomething({ ...rule, ...changes });
    const updated = await unlessTaken(() =>
      ctx.prisma.packageProtectionRule.update({ where: { id: rule.id }, data: changes }),
    );
    res.json(presentRule(updated));
  };
}

export function deleteProtectionRule(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'admin');
    const rule = await ruleOfProject(ctx, access.project.id, req.params.package_protection_rule_id as string);
    await ctx.prisma.packageProtectionRule.deleteMany({ where: { id: rule.id } });
    res.status(204).end();
  };
}
