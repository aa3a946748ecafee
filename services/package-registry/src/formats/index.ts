import { genericFormat } from './generic';
import { mavenFormat } from './maven';
import { npmFormat } from './npm';
import type { PackageFormat } from './package-format';
import { pypiFormat } from './pypi';

/** Every format with endpoints; a new format is one more entry. */
export const ALL_FORMATS: readonly PackageFormat[] = [genericFormat, npmFormat, pypiFormat, mavenFormat];

export type { PackageFormat } from './package-format';
