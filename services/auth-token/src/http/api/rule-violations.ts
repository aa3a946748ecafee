import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from '@stowage/http';
import { RuleViolation } from '../../domain/rule-violation';

/** A domain refusal in GitLab's words and status. */
export function apiErrorOf(violation: RuleViolation): ApiError {
  switch (violation.kind) {
    case 'invalid_field':
      return ApiError.invalidField(violation.field ?? 'base', violation.message);
    case 'not_allowed':
      return ApiError.forbidden();
    case 'not_found':
      return ApiError.notFound(violation.message);
    case 'conflict':
      return new ApiError(409, { message: violation.message });
    case 'refused':
      return ApiError.badRequest(violation.message);
  }
}

/** An async handler whose domain refusals become API errors; anything else reaches the boundary as is. */
export function handler(body: (req: Request, res: Response) => Promise<unknown>): RequestHandler {
  return async (req, res) => {
    try {
      await body(req, res);
    } catch (error) {
      throw error instanceof RuleViolation ? apiErrorOf(error) : error;
    }
  };
}
