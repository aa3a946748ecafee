import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The subset of Kubernetes object shapes the structural checks read. Schema validity of whole
 * objects is checked separately by kubernetes-models (validateAgainstSchemas).
 */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
  data?: Record<string, string>;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}

export interface HttpProbe {
  httpGet?: { path: string; port: number | string };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: HttpProbe;
  livenessProbe?: HttpProbe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
  };
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: { name: string; emptyDir?: object }[];
  restartPolicy?: string;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}

export interface Deployment extends K8sObject {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: PodTemplate };
}

export interface Job extends K8sObject {
  spec: { template: PodTemplate };
}

export interface Service extends K8sObject {
  spec: {
    selector: Record<string, string>;
    ports: { name?: string; port: number; targetPort?: number | string }[];
  };
}

export interface Ingress extends K8sObject {
  spec: {
    rules?: {
      http?: {
        paths: { backend: { service?: { name: string; port: { name?: string; number?: number } } } }[];
      };
    }[];
  };
}

export interface HorizontalPodAutoscaler extends K8sObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
  };
}

export function ofKind<T extends K8sObject>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

/** Parses a multi-document YAML stream (kubectl kustomize output) into its objects. */
export function parseObjects(yamlText: string): K8sObject[] {
  const documents = parseAllDocuments(yamlText);
  const objects: K8sObject[] = [];
  for (const document of documents) {
    if (document.errors.length > 0) throw new Error(`invalid YAML: ${document.errors[0]?.message}`);
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) objects.push(value as K8sObject);
  }
  return objects;
}

export interface SchemaResult {
  index: number;
  apiVersion: string;
  kind: string;
  name?: string;
  errors: string[];
}

/** Validates each object against its kind's Kubernetes schema (see validate-k8s-objects.mjs). */
export function validateAgainstSchemas(objects: unknown[]): SchemaResult[] {
  const script = path.join(__dirname, 'validate-k8s-objects.mjs');
  const result = spawnSync(process.execPath, [script], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`schema validator failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as SchemaResult[];
}

/** The env var names a container will see: explicit `env` plus every key of `envFrom` ConfigMaps. */
export function visibleEnv(container: Container, configMaps: K8sObject[]): Set<string> {
  const names = new Set((container.env ?? []).map((e) => e.name));
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef?.name;
    const configMap = configMaps.find((c) => c.metadata.name === ref);
    for (const key of Object.keys(configMap?.data ?? {})) names.add(key);
  }
  return names;
}
