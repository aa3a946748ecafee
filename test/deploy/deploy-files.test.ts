import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ComposeProject,
  ComposeService,
  commandLine,
  dependencyCondition,
  parseComposeConfig,
  publishedPorts,
} from './compose-file';
import { DOCKER_COMPOSE, KUBECTL, describeWithTool, runTool } from './external-tools';
import {
  Container,
  Deployment,
  HorizontalPodAutoscaler,
  HttpProbe,
  Ingress,
  Job,
  K8sObject,
  Service,
  ofKind,
  parseObjects,
  validateAgainstSchemas,
  visibleEnv,
} from './k8s-objects';
import {
  MIGRATING_SERVICES,
  PUBLIC_SERVICE,
  ALL_SECRET_KEYS,
  SECRET_ENV,
  secretEnv,
  SERVICES,
  ServiceContract,
  mainCommand,
  migrateScript,
  requiredEnv,
} from './service-contract';

const REPO_ROOT = path.resolve(__dirname, '../..');
const K8S_DIR = path.join(REPO_ROOT, 'k8s');
const IMAGE_DOCKERFILE = 'infra/docker/Dockerfile';
const SECRET_NAME = 'stowage-secrets';
/** The tag infra/docker/build-image.sh gives the image: what docker-compose.yml and k8s/ must run. */
const BUILT_IMAGE = `stowage:${(JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version}`;

function serviceNamed(name: string): ServiceContract {
  const service = SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`no service ${name} in the contract`);
  return service;
}

describe('infra/docker/Dockerfile', () => {
  const dockerfile = readFileSync(path.join(REPO_ROOT, IMAGE_DOCKERFILE), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages[stages.length - 1] ?? '';

  it('when read, then every stage is based on node:20-bookworm-slim and installs with the frozen lockfile', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    const earlier: string[] = [];
    for (const stage of stages) {
      const [image, as, name] = stage.split(/\s+/);
      expect({ stage: name, from: image === '${NODE_IMAGE}' || earlier.includes(image ?? '') }).toEqual({
        stage: name,
        from: true,
      });
      expect(as).toBe('AS');
      earlier.push(name ?? '');
    }
    expect(dockerfile).toContain('pnpm install --frozen-lockfile');
    expect(dockerfile).toContain('pnpm run build');
  });

  it('when read, then the runtime stage copies the pruned build and runs as a numeric non-root user', () => {
    expect(runtime).toMatch(/^COPY --from=build /m);
    expect(runtime).toMatch(/^USER [1-9][0-9]*(:[1-9][0-9]*)?$/m);
    expect(runtime).not.toMatch(/^RUN .*(apt-get|pnpm install)/m);
  });

  it('when reading .dockerignore, then host node_modules and build output stay out of the context', () => {
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');

    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', '.ci']));
  });

  it('when looking at the sources, then every entrypoint the deployment runs exists', () => {
    const entrypoints = [
      ...SERVICES.map((s) => `services/${s.name}/src/main.ts`),
      ...MIGRATING_SERVICES.map((name) => `services/${name}/src/migrate.ts`),
    ];

    expect(entrypoints.filter((file) => !existsSync(path.join(REPO_ROOT, file)))).toEqual([]);
  });
});

describeWithTool(DOCKER_COMPOSE, 'docker-compose.yml', () => {
  let project: ComposeProject;
  // The file's defaults are checked, not the images a shell may point it at (e.g. the local
  // stand-ins of infra/docker/stand-ins).
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(STOWAGE|POSTGRES|RABBITMQ|MINIO|MC)_IMAGE$/.test(key)),
  );

  function composeService(name: string): ComposeService {
    const service = project.services[name];
    if (!service) throw new Error(`docker-compose.yml has no service ${name}`);
    return service;
  }

  beforeAll(() => {
    const run = runTool(DOCKER_COMPOSE, ['-f', 'docker-compose.yml', 'config'], REPO_ROOT, env);
    if (run.status !== 0) throw new Error(`docker-compose config failed: ${run.stderr}`);
    project = parseComposeConfig(run.stdout);
  });

  it('when checked with `docker-compose config -q`, then it is valid', () => {
    const run = runTool(DOCKER_COMPOSE, ['-f', 'docker-compose.yml', 'config', '-q'], REPO_ROOT, env);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('when rendered, then every service runs its entrypoint from the one image built from the Dockerfile', () => {
    for (const { name } of SERVICES) {
      const service = composeService(name);
      expect({ name, command: commandLine(service) }).toEqual({ name, command: mainCommand(name).join(' ') });
      expect({ name, dockerfile: service.build?.dockerfile }).toEqual({ name, dockerfile: IMAGE_DOCKERFILE });
      expect(path.resolve(REPO_ROOT, service.build?.context ?? '')).toBe(REPO_ROOT);
      expect({ name, image: service.image }).toEqual({ name, image: BUILT_IMAGE });
    }
  });

  it('when rendered, then only the gateway publishes a host port, 5000:5000', () => {
    const publishing = Object.entries(project.services)
      .filter(([, service]) => publishedPorts(service).length > 0)
      .map(([name, service]) => ({ name, ports: publishedPorts(service) }));

    expect(publishing).toEqual([{ name: PUBLIC_SERVICE, ports: ['5000:5000'] }]);
  });

  it('when rendered, then every service gets each env var it needs, its own PORT and correct peer URLs', () => {
    for (const contract of SERVICES) {
      const environment = composeService(contract.name).environment ?? {};
      const missing = requiredEnv(contract).filter((key) => environment[key] === undefined);

      expect({ service: contract.name, missing }).toEqual({ service: contract.name, missing: [] });
      expect(String(environment.PORT)).toBe(String(contract.port));
      for (const [key, peer] of Object.entries(contract.calls)) {
        const url = new URL(String(environment[key]));
        expect({ key, host: url.hostname, port: url.port }).toEqual({
          key,
          host: peer,
          port: String(serviceNamed(peer).port),
        });
      }
    }
  });

  it('when rendered, then services that share a secret (INTERNAL_API_SECRET) get the same value', () => {
    const shared = [...new Set(SERVICES.flatMap((service) => service.secrets ?? []))];
    for (const key of shared) {
      const holders = SERVICES.filter((service) => service.secrets?.includes(key));
      const values = new Set(holders.map((service) => composeService(service.name).environment?.[key]));
      expect({ key, values: [...values].length }).toEqual({ key, values: 1 });
    }
  });

  it('when rendered, then every service waits for healthy postgres and rabbitmq, the bucket and migrations', () => {
    for (const { name } of SERVICES) {
      const service = composeService(name);
      expect({
        name,
        postgres: dependencyCondition(service, 'postgres'),
        rabbitmq: dependencyCondition(service, 'rabbitmq'),
        createbucket: dependencyCondition(service, 'createbucket'),
        migrate: dependencyCondition(service, 'migrate'),
      }).toEqual({
        name,
        postgres: 'service_healthy',
        rabbitmq: 'service_healthy',
        createbucket: 'service_completed_successfully',
        migrate: 'service_completed_successfully',
      });
    }
  });

  it('when rendered, then the gateway waits for every service it routes to be healthy', () => {
    const gateway = composeService(PUBLIC_SERVICE);
    for (const peer of Object.values(serviceNamed(PUBLIC_SERVICE).calls)) {
      expect({ peer, condition: dependencyCondition(gateway, peer) }).toEqual({
        peer,
        condition: 'service_healthy',
      });
    }
  });

  it("when rendered, then the migrate job runs every owning service's migrate.js against the database", () => {
    const migrate = composeService('migrate');
    const command = commandLine(migrate);

    for (const name of MIGRATING_SERVICES) expect(command).toContain(`node ${migrateScript(name)}`);
    expect(migrate.environment?.DATABASE_URL).toBe(composeService(PUBLIC_SERVICE).environment?.DATABASE_URL);
    expect(dependencyCondition(migrate, 'postgres')).toBe('service_healthy');
  });

  it('when rendered, then every service has a healthcheck on its own readiness endpoint', () => {
    for (const { name, port } of SERVICES) {
      const test = composeService(name).healthcheck?.test ?? [];
      const line = Array.isArray(test) ? test.join(' ') : test;
      expect({ name, checksReadiness: line.includes(`127.0.0.1:${port}/-/readiness`) }).toEqual({
        name,
        checksReadiness: true,
      });
    }
  });

  it('when rendered, then postgres 16, rabbitmq with management, and minio with a bucket job are provided', () => {
    expect(composeService('postgres').image).toBe('postgres:16');
    expect(composeService('rabbitmq').image).toBe('rabbitmq:3-management');
    expect(composeService('minio').image).toMatch(/^minio\/minio(:|$)/);
    const createBucket = composeService('createbucket');
    expect(createBucket.image).toMatch(/^minio\/mc(:|$)/);
    expect(commandLine(createBucket)).toContain('mc mb --ignore-existing');
    expect(dependencyCondition(createBucket, 'minio')).toBe('service_healthy');
    for (const infra of ['postgres', 'rabbitmq', 'minio']) {
      expect({ infra, healthcheck: composeService(infra).healthcheck?.test !== undefined }).toEqual({
        infra,
        healthcheck: true,
      });
    }
  });
});

describeWithTool(KUBECTL, 'k8s/ kustomize base', () => {
  let objects: K8sObject[];
  let deployments: Deployment[];
  let configMaps: K8sObject[];

  function render(dir: string): K8sObject[] {
    const run = runTool(KUBECTL, ['kustomize', dir], REPO_ROOT);
    if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr}`);
    return parseObjects(run.stdout);
  }

  function onlyContainer(template: { spec: { containers: Container[] } }, owner: string): Container {
    expect({ owner, containers: template.spec.containers.length }).toEqual({ owner, containers: 1 });
    return template.spec.containers[0] as Container;
  }

  /** The Deployment running `service`, found by what it runs rather than by its name. */
  function deploymentFor(service: string): Deployment {
    const expected = mainCommand(service).join(' ');
    const found = deployments.filter((d) =>
      d.spec.template.spec.containers.some(
        (c) => [...(c.command ?? []), ...(c.args ?? [])].join(' ') === expected,
      ),
    );
    if (found.length !== 1)
      throw new Error(`expected one Deployment running ${expected}, found ${found.length}`);
    return found[0] as Deployment;
  }

  function probePort(container: Container, probe: HttpProbe | undefined): number | undefined {
    const port = probe?.httpGet?.port;
    if (typeof port === 'number') return port;
    return container.ports?.find((p) => p.name === port)?.containerPort;
  }

  function selects(service: Service, deployment: Deployment): boolean {
    const podLabels = deployment.spec.template.metadata?.labels ?? {};
    const selector = Object.entries(service.spec.selector ?? {});
    return selector.length > 0 && selector.every(([key, value]) => podLabels[key] === value);
  }

  function serviceFor(deployment: Deployment): Service {
    const found = ofKind<Service>(objects, 'Service').filter((s) => selects(s, deployment));
    if (found.length !== 1)
      throw new Error(`expected one Service for ${deployment.metadata.name}, got ${found.length}`);
    return found[0] as Service;
  }

  function podTemplates(): { owner: string; template: Deployment['spec']['template'] }[] {
    return [
      ...deployments.map((d) => ({ owner: d.metadata.name, template: d.spec.template })),
      ...ofKind<Job>(objects, 'Job').map((j) => ({ owner: j.metadata.name, template: j.spec.template })),
    ];
  }

  beforeAll(() => {
    objects = render(K8S_DIR);
    deployments = ofKind<Deployment>(objects, 'Deployment');
    configMaps = ofKind(objects, 'ConfigMap');
  });

  it('when every rendered object is validated against the Kubernetes schemas, then none has an error', () => {
    const results = validateAgainstSchemas(objects);

    expect(results).toHaveLength(objects.length);
    expect(results.filter((r) => r.errors.length > 0)).toEqual([]);
  });

  it('when the schema validator is given invalid objects, then it reports each of them', () => {
    const results = validateAgainstSchemas([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x' },
        spec: { template: { spec: {} } },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 'eighty' }] } },
      { apiVersion: 'example.com/v1', kind: 'Unknown', metadata: { name: 'x' } },
    ]);

    expect(results.map((r) => r.errors.length > 0)).toEqual([true, true, true]);
  });

  it('when rendered, then the base holds the expected objects, no Secret and no namespace', () => {
    const kinds = objects.map((o) => o.kind).sort();

    expect(kinds).toEqual(
      [
        'ConfigMap',
        ...SERVICES.map(() => 'Deployment'),
        ...SERVICES.map(() => 'Service'),
        'HorizontalPodAutoscaler',
        'Ingress',
        'Job',
      ].sort(),
    );
    expect(objects.filter((o) => (o.metadata as { namespace?: string }).namespace !== undefined)).toEqual([]);
  });

  it('when rendered, then each service has one Deployment running its entrypoint on its port', () => {
    for (const { name, port } of SERVICES) {
      const container = onlyContainer(deploymentFor(name).spec.template, name);
      const env = container.env?.find((e) => e.name === 'PORT');

      expect({ name, ports: container.ports?.map((p) => p.containerPort) }).toEqual({ name, ports: [port] });
      expect({ name, PORT: env?.value }).toEqual({ name, PORT: String(port) });
      expect(container.image).toBe(BUILT_IMAGE);
    }
  });

  it('when rendered, then every Deployment probes readiness on /-/readiness and liveness on /-/health', () => {
    for (const { name, port } of SERVICES) {
      const container = onlyContainer(deploymentFor(name).spec.template, name);

      expect({
        name,
        readiness: [container.readinessProbe?.httpGet?.path, probePort(container, container.readinessProbe)],
        liveness: [container.livenessProbe?.httpGet?.path, probePort(container, container.livenessProbe)],
      }).toEqual({ name, readiness: ['/-/readiness', port], liveness: ['/-/health', port] });
    }
  });

  it('when rendered, then every container requests CPU and memory and has a memory limit', () => {
    for (const { owner, template } of podTemplates()) {
      const resources = onlyContainer(template, owner).resources;
      expect({
        owner,
        cpu: resources?.requests?.cpu !== undefined,
        memory: resources?.requests?.memory !== undefined,
        memoryLimit: resources?.limits?.memory !== undefined,
      }).toEqual({ owner, cpu: true, memory: true, memoryLimit: true });
    }
  });

  it('when rendered, then every pod runs as non-root on a read-only root filesystem with an emptyDir /tmp', () => {
    for (const { owner, template } of podTemplates()) {
      const container = onlyContainer(template, owner);
      const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      const tmpVolume = template.spec.volumes?.find((v) => v.name === tmp?.name);
      expect({
        owner,
        runAsNonRoot: container.securityContext?.runAsNonRoot ?? template.spec.securityContext?.runAsNonRoot,
        numericUser: typeof template.spec.securityContext?.runAsUser === 'number',
        readOnlyRootFilesystem: container.securityContext?.readOnlyRootFilesystem,
        allowPrivilegeEscalation: container.securityContext?.allowPrivilegeEscalation,
        tmpIsEmptyDir: tmpVolume?.emptyDir !== undefined,
      }).toEqual({
        owner,
        runAsNonRoot: true,
        numericUser: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        tmpIsEmptyDir: true,
      });
    }
  });

  it("when rendered, then each Deployment has one Service that selects its pods on the service's port", () => {
    for (const { name, port } of SERVICES) {
      const service = serviceFor(deploymentFor(name));
      expect({ name, ports: service.spec.ports.map((p) => p.port) }).toEqual({ name, ports: [port] });
    }
  });

  it('when rendered, then only the gateway has an Ingress, and it lets large bodies stream unbuffered', () => {
    const ingresses = ofKind<Ingress>(objects, 'Ingress');
    const gatewayService = serviceFor(deploymentFor(PUBLIC_SERVICE));
    const backends = ingresses.flatMap((i) =>
      (i.spec.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((p) => p.backend.service?.name)),
    );

    expect(ingresses).toHaveLength(1);
    expect(new Set(backends)).toEqual(new Set([gatewayService.metadata.name]));
    expect(ingresses[0]?.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/proxy-body-size': '0',
      'nginx.ingress.kubernetes.io/proxy-request-buffering': 'off',
    });
  });

  it('when rendered, then the autoscaling/v2 HPA targets the cleanup-worker Deployment, which sets no replicas', () => {
    const hpas = ofKind<HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
    const worker = deploymentFor('cleanup-worker');

    expect(hpas).toHaveLength(1);
    expect(hpas[0]?.apiVersion).toBe('autoscaling/v2');
    expect(hpas[0]?.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: worker.metadata.name,
    });
    expect(worker.spec.replicas).toBeUndefined();
  });

  it('when rendered, then every container sees each env var it needs, with secrets only from the Secret', () => {
    for (const contract of SERVICES) {
      const container = onlyContainer(deploymentFor(contract.name).spec.template, contract.name);
      const visible = visibleEnv(container, configMaps);
      const missing = requiredEnv(contract).filter((key) => !visible.has(key));

      expect({ service: contract.name, missing }).toEqual({ service: contract.name, missing: [] });
    }
    for (const { owner, template } of podTemplates()) {
      const container = onlyContainer(template, owner);
      // By what the Deployment runs: names mislead (stowage-package-registry ends in "registry").
      const contract = SERVICES.find((service) => deploymentFor(service.name).metadata.name === owner);
      for (const key of contract ? secretEnv(contract) : SECRET_ENV) {
        const fromSecret = container.env?.find((e) => e.name === key)?.valueFrom?.secretKeyRef;
        expect({ owner, key, fromSecret }).toEqual({ owner, key, fromSecret: { name: SECRET_NAME, key } });
      }
      for (const ref of (container.env ?? []).flatMap((e) => e.valueFrom?.configMapKeyRef ?? [])) {
        const configMap = configMaps.find((c) => c.metadata.name === ref.name);
        expect({ owner, ref, exists: configMap?.data?.[ref.key] !== undefined }).toEqual({
          owner,
          ref,
          exists: true,
        });
      }
    }
    for (const configMap of configMaps) {
      const leaked = ALL_SECRET_KEYS.filter((key) => configMap.data?.[key] !== undefined);
      expect({ configMap: configMap.metadata.name, leaked }).toEqual({
        configMap: configMap.metadata.name,
        leaked: [],
      });
    }
  });

  it('when rendered, then the service URLs in the config point at the Service of the right Deployment', () => {
    for (const contract of SERVICES) {
      const container = onlyContainer(deploymentFor(contract.name).spec.template, contract.name);
      const data = Object.assign(
        {},
        ...(container.envFrom ?? []).map(
          (source) => configMaps.find((c) => c.metadata.name === source.configMapRef?.name)?.data ?? {},
        ),
      ) as Record<string, string>;
      for (const [key, peer] of Object.entries(contract.calls)) {
        const url = new URL(data[key] ?? container.env?.find((e) => e.name === key)?.value ?? 'invalid:');
        const peerService = serviceFor(deploymentFor(peer));

        expect({ key, host: url.hostname, port: url.port }).toEqual({
          key,
          host: peerService.metadata.name,
          port: String(serviceNamed(peer).port),
        });
      }
    }
  });

  it("when rendered, then a migration Job runs every owning service's migrate.js and services do not migrate on start", () => {
    const jobs = ofKind<Job>(objects, 'Job');
    expect(jobs).toHaveLength(1);
    const job = jobs[0] as Job;
    const container = onlyContainer(job.spec.template, job.metadata.name);
    const command = [...(container.command ?? []), ...(container.args ?? [])].join(' ');

    for (const name of MIGRATING_SERVICES) expect(command).toContain(`node ${migrateScript(name)}`);
    expect(['Never', 'OnFailure']).toContain(job.spec.template.spec.restartPolicy);
    expect(visibleEnv(container, configMaps).has('DATABASE_URL')).toBe(true);
    for (const configMap of configMaps) expect(configMap.data?.MIGRATE_ON_START).toBe('false');
  });

  it('when reading the README, then it shows how to create the Secret with every key, and the example is not in the base', () => {
    const readme = readFileSync(path.join(K8S_DIR, 'README.md'), 'utf8');
    const kustomization = readFileSync(path.join(K8S_DIR, 'kustomization.yaml'), 'utf8');

    expect(readme).toContain(`kubectl -n stowage create secret generic ${SECRET_NAME}`);
    for (const key of ALL_SECRET_KEYS) expect(readme).toContain(`--from-literal=${key}=`);
    const example = parseObjects(readFileSync(path.join(K8S_DIR, 'examples/secret.example.yaml'), 'utf8'));
    expect(example.map((o) => [o.kind, o.metadata.name])).toEqual([['Secret', SECRET_NAME]]);
    expect(Object.keys((example[0] as { stringData?: object }).stringData ?? {}).sort()).toEqual(
      [...ALL_SECRET_KEYS].sort(),
    );
    expect(kustomization).not.toContain('secret.example');
  });

  it('when an overlay sets a namespace and overrides the image with `images:`, then every container uses it', () => {
    const overlay = mkdtempSync(path.join(os.tmpdir(), 'stowage-overlay-'));
    try {
      const base = path.relative(overlay, K8S_DIR);
      const kustomization = (field: string): string =>
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'namespace: stowage-test',
          `${field}:`,
          `  - ${base}`,
          'images:',
          '  - name: stowage',
          '    newName: registry.example.com/team/stowage',
          '    newTag: 1.2.3',
          '',
        ].join('\n');
      // Kustomize 5 takes a base under `resources:`; the one in kubectl 1.20 only under `bases:`.
      writeFileSync(path.join(overlay, 'kustomization.yaml'), kustomization('resources'));
      let run = runTool(KUBECTL, ['kustomize', overlay], REPO_ROOT);
      if (run.status !== 0) {
        writeFileSync(path.join(overlay, 'kustomization.yaml'), kustomization('bases'));
        run = runTool(KUBECTL, ['kustomize', overlay], REPO_ROOT);
      }
      expect(run.stderr.replace(/^# Warning: 'bases' is deprecated.*$/m, '').trim()).not.toMatch(/error/i);
      expect(run.status).toBe(0);
      const rendered = parseObjects(run.stdout);
      const images = [...ofKind<Deployment>(rendered, 'Deployment'), ...ofKind<Job>(rendered, 'Job')].flatMap(
        (o) => o.spec.template.spec.containers.map((c) => c.image),
      );

      expect(images).toHaveLength(SERVICES.length + 1);
      expect(new Set(images)).toEqual(new Set(['registry.example.com/team/stowage:1.2.3']));
      expect(new Set(rendered.map((o) => (o.metadata as { namespace?: string }).namespace))).toEqual(
        new Set(['stowage-test']),
      );
    } finally {
      rmSync(overlay, { recursive: true, force: true });
    }
  });
});
