import type { RequestHandler } from 'express';
import { ApiError, optionalBoolean, optionalString, type Params } from '@stowage/http';
import { exceptionRegexProblem, namespaceDuplicateRule, type DuplicateRule } from '../../core/duplicates';
import { groupAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { requestParams } from './request-params';

/**
 * A group's package duplicate settings. GitLab has them only in GraphQL (`namespace_package_settings`:
 * `maven_duplicates_allowed`, `maven_duplicate_exception_regex`, the same for generic and NuGet);
 * here they are REST: `GET`/`PUT /groups/:id/packages/settings`, for the group's Owners
 * (`admin_package` on the group). A group without its own value shows what it inherits; the
 * exception regexes are RE2 and checked before anything is saved.
 */

/** The formats whose duplicates a group decides, by GitLab's field prefix. */
const DUPLICATE_SETTING_TYPES = ['maven', 'generic', 'nuget'] as const;
type SettingType = (typeof DUPLICATE_SETTING_TYPES)[number];

async function effectiveRules(ctx: PackageContext, groupPath: string) {
  const entries = await Promise.all(
    DUPLICATE_SETTING_TYPES.map(
      async (type) => [type, await namespaceDuplicateRule(ctx.prisma, groupPath, type)] as const,
    ),
  );
  return new Map<SettingType, DuplicateRule>(entries);
}

function present(rules: Map<SettingType, DuplicateRule>) {
  const body: Record<string, boolean | string> = {};
  for (const [type, rule] of rules) {
    body[`${type}_duplicates_allowed`] = rule.duplicatesAllowed;
    body[`${type}_duplicate_exception_regex`] = rule.exceptionRegex;
  }
  return body;
}

/** The changes asked for, per format; every field is checked before anything is written. */
function changesOf(params: Params): Map<SettingType, Partial<DuplicateRule>> {
  const changes = new Map<SettingType, Partial<DuplicateRule>>();
  for (const type of DUPLICATE_SETTING_TYPES) {
    const change: Partial<DuplicateRule> = {};
    const allowed = optionalBoolean(params, `${type}_duplicates_allowed`);
    if (allowed !== undefined) change.duplicatesAllowed = allowed;
    const regexField = `${type}_duplicate_exception_regex`;
    const regex = params[regexField] === null ? '' : optionalString(params, regexField);
    if (regex !== undefined) {
      const problem = exceptionRegexProblem(regex);
      if (problem) throw ApiError.invalidField(regexField, problem);
      change.exceptionRegex = regex;
    }
    if (Object.keys(change).length > 0) changes.set(type, change);
  }
  return changes;
}

export function getNamespaceSettings(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const { group } = await groupAccess(ctx, req, res, req.params.id as string, 'admin');
    res.json(present(await effectiveRules(ctx, group.fullPath)));
  };
}

export function updateNamespaceSettings(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const changes = changesOf(requestParams(req));
    const { group } = await groupAccess(ctx, req, res, req.params.id as string, 'admin');
    const current = await effectiveRules(ctx, group.fullPath);
    // The path is kept lower-cased: publishing looks rules up by the project's lower-cased ancestors.
    const namespacePath = group.fullPath.toLowerCase();
    await ctx.prisma.$transaction(
      [...changes].map(([type, change]) => {
        const rule = { ...current.get(type)!, ...change };
        const data = {
          duplicatesAllowed: rule.duplicatesAllowed,
          duplicateExceptionRegex: rule.exceptionRegex,
        };
        return ctx.prisma.namespacePackageSetting.upsert({
          where: { namespaceId_packageType: { namespaceId: group.id, packageType: type } },
          create: { namespaceId: group.id, namespacePath, packageType: type, ...data },
          update: { namespacePath, ...data },
        });
      }),
    );
    res.json(present(await effectiveRules(ctx, group.fullPath)));
  };
}
