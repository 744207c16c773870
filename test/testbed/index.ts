/**
 * A real Keystone and two Glances (Debian's python3-keystone / python3-glance) on free
 * 127.0.0.1 ports, with SQLite databases, file stores and logs in one temp folder:
 * - Glance in RegionOne: two file stores (`local`, the default, and `cold`), interoperable
 *   import (glance-direct, web-download from loopback, copy-image, and glance-download from
 *   RegionTwo), Glance's metadata definitions loaded;
 * - Glance in RegionTwo: one store, its own database, no metadata definitions — a second,
 *   independent image service in the same Keystone, for cross-cloud tests.
 * Facts and quirks: ../shared/docs/openstack-testbed.md (relative to the checkout's parent).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestbedInfo, TestbedUser } from './types';

export type { SecondRegion, TestbedInfo, TestbedUser } from './types';

export interface Testbed extends TestbedInfo {
  /** Stops the servers and deletes the temp folder; `keepLogs` keeps `logDir`. */
  stop(options?: { keepLogs?: boolean }): Promise<void>;
  /** The last lines of the Keystone and Glance logs, for a failure report. */
  logTail(lines?: number): string;
}

export interface TestbedOptions {
  /** Parent of the temp folder (default: the OS temp dir). */
  dir?: string;
  /** Progress lines ("[testbed +6.1 s] keystone ready"). */
  log?: (line: string) => void;
  /** Folder of Glance's metadata definitions (default: the first of `METADEFS_DIRS` there is). */
  metadefsDir?: string;
}

/** Debian's interpreter: the `python3` first on PATH may be a build that cannot see Debian's modules. */
export const PYTHON = '/usr/bin/python3';
export const HELPER = fileURLToPath(new URL('./testbed.py', import.meta.url));
/**
 * Where Glance's metadata definitions are: Debian's glance-common package puts them in the
 * first; scripts/install-system-deps.sh extracts them from that package into the second,
 * because installing it would write /etc/glance/ (whose schema-image.json every Glance on
 * the machine then reads), add a system user and run debconf.
 */
export const METADEFS_DIRS = [
  '/usr/share/glance-common/metadefs',
  '/usr/local/share/glance-common/metadefs',
];
const REGION = 'RegionOne';
const SECOND_REGION = 'RegionTwo';
const DOMAIN = 'default';
const LOG_FILES = ['keystone.log', 'glance.log', 'glance-regiontwo.log'];
/** Debian's (and upstream's) default import methods. */
const DEFAULT_IMPORT_METHODS = ['glance-direct', 'web-download', 'copy-image'];
const READY_TIMEOUT_MS = 120_000;

export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const started = Date.now();
  const log = (line: string) =>
    options.log?.(`[testbed +${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  const metadefsDir = metadefsFolder(options.metadefsDir);
  const dir = await mkdtemp(join(options.dir ?? tmpdir(), 'glance-desk-testbed-'));
  const logDir = join(dir, 'logs');
  const keystoneLog = join(logDir, 'keystone.log');
  const servers: ChildProcess[] = [];

  const logTail = (lines?: number) => serverLogTail(logDir, lines);
  const killAll = () => {
    for (const child of servers) killGroup(child, 'SIGKILL');
  };
  // Everything but the logs: configs (with the glance password), databases, images.
  const removeAllButLogs = () => {
    for (const entry of readdirSync(dir)) {
      if (entry !== 'logs') rmSync(join(dir, entry), { recursive: true, force: true });
    }
  };
  const onExit = () => {
    killAll();
    removeAllButLogs();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    // Someone else listens too (the CLI, vitest): they decide, and onExit cleans up.
    // Otherwise restore the default behaviour: clean up and die by that signal.
    if (process.listenerCount(signal) > 1) return;
    onExit();
    process.off(signal, onSignal);
    process.kill(process.pid, signal);
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let stopped = false;
  const stop = async ({ keepLogs = false } = {}) => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all(servers.map((child) => stopGroup(child)));
    if (keepLogs) removeAllButLogs();
    else await rm(dir, { recursive: true, force: true });
  };

  try {
    const data = join(dir, 'data');
    const paths = {
      keystoneConf: join(dir, 'keystone.conf'),
      glancePaste: join(dir, 'glance-api-paste.ini'),
      keystoneDb: join(data, 'keystone.sqlite'),
      fernetKeys: join(data, 'fernet-keys'),
      receiptKeys: join(data, 'receipt-keys'),
      credentialKeys: join(data, 'credential-keys'),
    };
    await mkdir(logDir);
    await mkdir(data);
    await Promise.all(
      [paths.fernetKeys, paths.receiptKeys, paths.credentialKeys].map((d) => writeFernetKeys(d)),
    );

    const [keystonePort, glancePort, secondGlancePort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
    ]);
    const authUrl = `http://127.0.0.1:${keystonePort}/v3`;
    const passwords = { admin: password(), glance: password(), member: password() };
    const first = glanceSite(
      dir,
      'glance',
      REGION,
      glancePort,
      ['local', 'cold'],
      [...DEFAULT_IMPORT_METHODS, 'glance-download'],
    );
    const second = glanceSite(
      dir,
      'glance-regiontwo',
      SECOND_REGION,
      secondGlancePort,
      ['local'],
      DEFAULT_IMPORT_METHODS,
    );
    const glanceSites = [first, second];

    await writeFile(paths.keystoneConf, keystoneConf(paths, keystoneLog), { mode: 0o600 });
    await writeFile(paths.glancePaste, GLANCE_PASTE);
    for (const site of glanceSites) {
      const folders = [...Object.values(site.stores), site.staging, site.tasks];
      await Promise.all(folders.map((folder) => mkdir(folder, { recursive: true })));
      await writeFile(
        site.conf,
        glanceConf(site, { paste: paths.glancePaste, authUrl, password: passwords.glance }),
        { mode: 0o600 },
      );
    }
    log(`folder ${dir}`);

    // Keystone and the Glances start side by side (each syncs its database, then serves);
    // a Glance needs Keystone only once requests come.
    const keystoneSide = (async () => {
      const keystone = serve(
        ['keystone', paths.keystoneConf, `${authUrl}/`, REGION, String(keystonePort)],
        keystoneLog,
        { OS_BOOTSTRAP_PASSWORD: passwords.admin },
      );
      servers.push(keystone);
      await waitUntilAnswers(authUrl, keystone, 'Keystone');
      log('keystone ready');
      const result = await registerInKeystone(authUrl, glanceSites, passwords);
      log('keystone projects, users and catalog created');
      return result;
    })();
    const glanceSide = async (site: GlanceSite, metadefs?: string) => {
      const glance = serve(['glance', site.conf, ...(metadefs ? [metadefs] : [])], site.log);
      servers.push(glance);
      await waitUntilAnswers(`${site.url}/`, glance, `Glance (${site.region})`);
      log(`${site.name} ready`);
    };
    const [users] = await Promise.all([
      keystoneSide,
      glanceSide(first, metadefsDir),
      glanceSide(second),
    ]);

    // A Glance's first authenticated call makes keystonemiddleware log in as `glance`: do
    // it here, as the member, so a broken service user fails start-up rather than a test.
    const memberToken = await projectToken(authUrl, users.member);
    for (const site of glanceSites) {
      const images = await fetch(`${site.url}/v2/images?limit=1`, {
        headers: { 'X-Auth-Token': memberToken },
      });
      if (images.status !== 200) {
        throw new Error(
          `Glance (${site.region}) answered ${images.status} to the member's image list`,
        );
      }
    }
    log('both glances answer an authenticated image list: test bed up');

    const info: TestbedInfo = {
      authUrl,
      glanceUrl: first.url,
      region: REGION,
      admin: users.admin,
      member: users.member,
      logDir,
      dir,
      glanceDatabase: first.db,
      glanceStoreDir: first.stores.local,
      glanceColdStoreDir: first.stores.cold,
      second: {
        region: SECOND_REGION,
        glanceUrl: second.url,
        glanceDatabase: second.db,
        glanceStoreDir: second.stores.local,
      },
    };
    return { ...info, stop, logTail };
  } catch (error) {
    const tail = logTail(40);
    await stop({ keepLogs: true });
    throw new Error(
      `The test bed did not start: ${(error as Error).message}\nLogs kept in ${logDir}\n${tail}`,
      {
        cause: error,
      },
    );
  }
}

/** The same facts without the functions, e.g. for vitest's `provide` or JSON. */
export function testbedInfo(bed: TestbedInfo): TestbedInfo {
  const {
    authUrl,
    glanceUrl,
    region,
    admin,
    member,
    logDir,
    dir,
    glanceDatabase,
    glanceStoreDir,
    glanceColdStoreDir,
    second,
  } = bed;
  return {
    authUrl,
    glanceUrl,
    region,
    admin,
    member,
    logDir,
    dir,
    glanceDatabase,
    glanceStoreDir,
    glanceColdStoreDir,
    second,
  };
}

/** A project-scoped token for a test bed user (password auth by ids). */
export async function projectToken(authUrl: string, user: TestbedUser): Promise<string> {
  const response = await fetch(`${authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { id: user.userId, password: user.password } },
        },
        scope: { project: { id: user.projectId } },
      },
    }),
  });
  const token = response.headers.get('x-subject-token');
  if (response.status !== 201 || !token) {
    throw new Error(`Keystone answered ${response.status} to ${user.username}'s login`);
  }
  return token;
}

interface Passwords {
  admin: string;
  glance: string;
  member: string;
}

/**
 * Creates, as admin, what bootstrap does not: projects, users, roles, the second region and
 * the image service with each Glance's endpoints in its region.
 */
async function registerInKeystone(
  authUrl: string,
  glances: readonly { region: string; url: string }[],
  passwords: Passwords,
): Promise<{ admin: TestbedUser; member: TestbedUser }> {
  // The admin logs in by name (that lookup exists); everything after goes by id, because
  // this Keystone answers 500 instead of 404 to lookups of missing names.
  const login = await fetch(`${authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { id: DOMAIN }, password: passwords.admin } },
        },
        scope: { project: { name: 'admin', domain: { id: DOMAIN } } },
      },
    }),
  });
  const token = login.headers.get('x-subject-token');
  if (login.status !== 201 || !token)
    throw new Error(`Keystone answered ${login.status} to the admin login`);
  const { token: body } = (await login.json()) as {
    token: { user: { id: string }; project: { id: string } };
  };

  const call = async <T>(method: string, path: string, json?: unknown): Promise<T> => {
    const response = await fetch(`${authUrl}${path}`, {
      method,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(
        `Keystone answered ${response.status} to ${method} ${path}: ${text.slice(0, 300)}`,
      );
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const create = async (
    kind: 'project' | 'user' | 'service' | 'endpoint' | 'region',
    fields: object,
  ) => {
    const created = await call<Partial<Record<string, { id: string }>>>('POST', `/${kind}s`, {
      [kind]: fields,
    });
    const id = created[kind]?.id;
    if (!id) throw new Error(`Keystone created a ${kind} without an id`);
    return id;
  };
  const grant = (projectId: string, userId: string, roleId: string) =>
    call('PUT', `/projects/${projectId}/users/${userId}/roles/${roleId}`);

  const { roles } = await call<{ roles: { id: string; name: string }[] }>('GET', '/roles');
  const roleId = (name: string) => {
    const role = roles.find((r) => r.name === name);
    if (!role) throw new Error(`Keystone has no role named ${name}`);
    return role.id;
  };

  const serviceProject = await create('project', { name: 'service', domain_id: DOMAIN });
  const demoProject = await create('project', { name: 'demo', domain_id: DOMAIN });
  const glanceUser = await create('user', {
    name: 'glance',
    domain_id: DOMAIN,
    password: passwords.glance,
  });
  const memberUser = await create('user', {
    name: 'demo',
    domain_id: DOMAIN,
    password: passwords.member,
    default_project_id: demoProject,
  });
  await grant(serviceProject, glanceUser, roleId('admin'));
  await grant(demoProject, memberUser, roleId('member'));
  const imageService = await create('service', { type: 'image', name: 'glance', enabled: true });
  for (const glance of glances) {
    if (glance.region !== REGION) await create('region', { id: glance.region });
    for (const iface of ['public', 'internal', 'admin']) {
      await create('endpoint', {
        service_id: imageService,
        interface: iface,
        region_id: glance.region,
        url: glance.url,
      });
    }
  }

  return {
    admin: {
      username: 'admin',
      password: passwords.admin,
      userId: body.user.id,
      projectId: body.project.id,
      projectName: 'admin',
      domainId: DOMAIN,
    },
    member: {
      username: 'demo',
      password: passwords.member,
      userId: memberUser,
      projectId: demoProject,
      projectName: 'demo',
      domainId: DOMAIN,
    },
  };
}

function keystoneConf(paths: Record<string, string>, logFile: string): string {
  return `[DEFAULT]
log_file = ${logFile}

[database]
connection = sqlite:///${paths.keystoneDb}

[identity]
# Tests log in often; bcrypt's minimum cost keeps a login fast.
password_hash_rounds = 4
# bcrypt's own limit; the default (4096) makes every login log a truncation warning.
max_password_length = 72

[token]
provider = fernet

[fernet_tokens]
key_repository = ${paths.fernetKeys}

[fernet_receipts]
key_repository = ${paths.receiptKeys}

[credential]
key_repository = ${paths.credentialKeys}
`;
}

/** Where one Glance keeps its config, database, stores and log, and where it listens. */
interface GlanceSite<Store extends string = string> {
  /** `glance` or `glance-regiontwo`: names its config, data folder and log. */
  name: string;
  region: string;
  port: number;
  url: string;
  conf: string;
  db: string;
  log: string;
  /** File store id → folder; the first is the default store. */
  stores: Record<Store, string>;
  staging: string;
  tasks: string;
  /** What `/v2/info/import` advertises. */
  importMethods: readonly string[];
}

function glanceSite<Store extends string>(
  dir: string,
  name: string,
  region: string,
  port: number,
  storeIds: readonly Store[],
  importMethods: readonly string[],
): GlanceSite<Store> {
  const data = join(dir, 'data', name);
  return {
    name,
    region,
    port,
    url: `http://127.0.0.1:${port}`,
    conf: join(dir, `${name}-api.conf`),
    db: join(data, 'glance.sqlite'),
    log: join(dir, 'logs', `${name}.log`),
    stores: Object.fromEntries(storeIds.map((id) => [id, join(data, `images-${id}`)])) as Record<
      Store,
      string
    >,
    staging: join(data, 'staging'),
    tasks: join(data, 'tasks'),
    importMethods,
  };
}

function glanceConf(
  site: GlanceSite,
  keystone: { paste: string; authUrl: string; password: string },
): string {
  const stores = Object.entries(site.stores);
  return `[DEFAULT]
bind_host = 127.0.0.1
bind_port = ${site.port}
# One process, no forked worker: quicker to start and to stop.
workers = 0
enabled_backends = ${stores.map(([id]) => `${id}:file`).join(', ')}
# glance-download fetches an image from another region's Glance, found in the catalog of
# the user's token; its host and port pass import_filtering_opts below.
enabled_import_methods = [${site.importMethods.join(',')}]
log_file = ${site.log}

[database]
connection = sqlite:///${site.db}

[glance_store]
default_backend = ${stores[0]?.[0]}
${stores
  .map(
    ([id, folder]) => `
[${id}]
filesystem_store_datadir = ${folder}
`,
  )
  .join('')}
[os_glance_staging_store]
filesystem_store_datadir = ${site.staging}

[os_glance_tasks_store]
filesystem_store_datadir = ${site.tasks}

[import_filtering_opts]
# web-download from a test server on loopback, any port (the defaults allow neither).
allowed_hosts = [127.0.0.1,::1]
allowed_ports = []

[paste_deploy]
flavor = keystone
config_file = ${keystone.paste}

[keystone_authtoken]
www_authenticate_uri = ${keystone.authUrl}
auth_url = ${keystone.authUrl}
auth_type = password
project_domain_id = ${DOMAIN}
user_domain_id = ${DOMAIN}
project_name = service
username = glance
password = ${keystone.password}
`;
}

const GLANCE_PASTE = `[pipeline:glance-api-keystone]
pipeline = versionnegotiation authtoken context rootapp

[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app

[app:apiversions]
paste.app_factory = glance.api.versions:create_resource

[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory

[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true

[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory
`;

/**
 * What `keystone-manage fernet_setup` / `credential_setup` write (a staged key 0 and a
 * primary key 1, url-safe base64 of 32 random bytes), without two ~3 s Python start-ups.
 */
async function writeFernetKeys(repository: string): Promise<void> {
  await mkdir(repository, { mode: 0o700 });
  for (const name of ['0', '1']) {
    const key = randomBytes(32).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
    await writeFile(join(repository, name), key, { mode: 0o600 });
  }
}

/** The metadata definitions folder to load, or a clear error before anything starts. */
function metadefsFolder(chosen: string | undefined): string {
  const candidates = chosen === undefined ? METADEFS_DIRS : [chosen];
  const found = candidates.find(
    (folder) => existsSync(folder) && readdirSync(folder).some((f) => f.endsWith('.json')),
  );
  if (!found) {
    throw new Error(
      `Glance's metadata definitions (*.json) are not in ${candidates.join(' or ')}: ` +
        'run scripts/install-system-deps.sh as root, which extracts them from glance-common',
    );
  }
  return found;
}

function password(): string {
  return randomBytes(24).toString('base64url');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Starts a server in its own process group, so stopping it also stops anything it forked. */
function serve(args: string[], logFile: string, env: Record<string, string> = {}): ChildProcess {
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(PYTHON, [HELPER, ...args], {
      stdio: ['ignore', out, out],
      detached: true,
      env: { ...process.env, ...env },
    });
    child.unref();
    return child;
  } finally {
    closeSync(out);
  }
}

async function waitUntilAnswers(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${name} exited during start-up (${child.signalCode ?? `exit code ${child.exitCode}`})`,
      );
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${name} did not answer at ${url} within ${READY_TIMEOUT_MS / 1000} s`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The last lines of the servers' logs in `logDir` (also of a bed another process runs). */
export function serverLogTail(logDir: string, lines = 60): string {
  return LOG_FILES.map(
    (name) => `==> ${join(logDir, name)} <==\n${tailOf(join(logDir, name), lines)}`,
  ).join('\n');
}

function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '(no log)';
  }
}
