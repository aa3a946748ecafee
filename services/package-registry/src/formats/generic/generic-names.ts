import { InvalidPackageInputError } from '../../core/package-errors';

// GitLab's generic package rules (Gitlab::Regex.generic_package_*).
const NAME = /^[-+._a-zA-Z0-9]+$/;
const VERSION = /^[\w+.-]+$/;
const FILE_NAME = /^(?!~)[A-Za-z0-9._+~-]+$/;
const MAX_LENGTH = 255;

function check(value: string, pattern: RegExp, what: string): string {
  if (value.length === 0 || value.length > MAX_LENGTH || !pattern.test(value) || value.includes('..')) {
    throw new InvalidPackageInputError(`${what} is invalid`);
  }
  return value;
}

export const genericPackageName = (value: string) => check(value, NAME, 'package_name');
export const genericPackageVersion = (value: string) => check(value, VERSION, 'package_version');
export const genericFileName = (value: string) => check(value, FILE_NAME, 'file_name');
