import { apiScenarios } from './api-scenarios';
import { genericProbes } from './generic-probes';
import { genericScenarios } from './generic-scenarios';
import { mavenProbes } from './maven-probes';
import { mavenScenarios } from './maven-scenarios';
import { npmProbes } from './npm-probes';
import { npmScenarios } from './npm-scenarios';
import type { PackageFixture } from './package-fixture';
import type { FormatProbes } from './permission-matrix';
import { permissionScenarios } from './permission-scenarios';
import { pypiBadInputScenarios } from './pypi-bad-input';
import { pypiProbes } from './pypi-probes';
import { pypiScenarios } from './pypi-scenarios';

/** Every format's probes for the permission table; a new format adds its own. */
const PROBES: readonly FormatProbes[] = [genericProbes, npmProbes, pypiProbes, mavenProbes];

/** Every package scenario, in the order a file runs them (the same in both modes). */
export function packageScenarios(fx: PackageFixture): void {
  describe('generic', () => genericScenarios(fx));
  describe('npm', () => npmScenarios(fx));
  describe('pypi', () => {
    pypiScenarios(fx);
    pypiBadInputScenarios(fx);
  });
  describe('maven', () => mavenScenarios(fx));
  describe('packages API', () => apiScenarios(fx));
  describe('permissions', () => permissionScenarios(fx, PROBES));
}
