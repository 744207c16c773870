/**
 * Projects by name or ID, for sharing images. Keystone tells where the user's token allows
 * it (`identity:list_projects` and `identity:get_project` are for administrators by
 * default); otherwise a name is searched among the user's own projects (`/v3/auth/projects`)
 * and an ID is taken as it is, unchecked — Glance itself takes any text as a member.
 */
import { z } from 'zod';
import { AppError, isAppError } from '../../common/errors';
import { Limiter } from '../async/limiter';
import type { OpenStackSession } from './keystone';

const projectSchema = z.looseObject({ id: z.string(), name: z.string() });
const projectListSchema = z.looseObject({ projects: z.array(projectSchema) });

export interface ProjectMatch {
  id: string;
  /** Known when Keystone let the user see the project. */
  name?: string;
  /** Whether Keystone confirmed the project exists. */
  checked: boolean;
}

/** Lookups Keystone refused (403), or failed at (this Keystone answers 500 to some missing ones). */
function cannotLook(error: unknown): boolean {
  return (
    isAppError(error) &&
    (error.status === 403 || (error.status ?? 0) >= 500 || error.details?.reason === 'no-auth-url')
  );
}

/** Keystone lookups run a few at a time (a member list can name a hundred projects). */
const lookupConcurrency = 4;

export class ProjectDirectory {
  readonly #session: OpenStackSession;
  readonly #limiter = new Limiter(lookupConcurrency);
  /** Project names by ID, as far as Keystone tells (undefined: it did not). */
  readonly #names = new Map<string, Promise<string | undefined>>();

  constructor(session: OpenStackSession) {
    this.#session = session;
  }

  /** The one project called `name` (names are unique within a domain, not across domains). */
  async byName(name: string): Promise<ProjectMatch> {
    let candidates: z.output<typeof projectSchema>[];
    try {
      ({ projects: candidates } = await this.#session.keystoneJson(
        `/projects?name=${encodeURIComponent(name)}`,
        projectListSchema,
      ));
    } catch (error) {
      if (!cannotLook(error)) throw error;
      candidates = (await this.#ownProjects(name, error)).filter((p) => p.name === name);
      if (candidates.length === 0) {
        throw new AppError({
          kind: 'forbidden',
          message: `Keystone does not let you look projects up by name, and “${name}” is none of yours. Enter the project's ID.`,
          details: { reason: 'project-lookup-refused', name },
        });
      }
    }
    const [only, ...more] = candidates;
    if (only === undefined) {
      throw new AppError({
        kind: 'not-found',
        message: `There is no project named “${name}”.`,
        details: { reason: 'project-not-found', project: name, by: 'name' },
      });
    }
    if (more.length > 0) {
      throw new AppError({
        kind: 'conflict',
        message: `${candidates.length} projects are named “${name}” (in different domains). Enter the project's ID.`,
        details: { reason: 'project-name-ambiguous', name, count: candidates.length },
      });
    }
    this.#names.set(only.id, Promise.resolve(only.name));
    return { id: only.id, name: only.name, checked: true };
  }

  /** The project with this ID: checked where Keystone lets the user look; a 404 is an error. */
  async byId(id: string): Promise<ProjectMatch> {
    try {
      const name = await this.#fetchName(id);
      this.#names.set(id, Promise.resolve(name));
      return { id, name, checked: true };
    } catch (error) {
      if (cannotLook(error)) return { id, checked: false };
      throw error;
    }
  }

  /** The project's name where Keystone tells; remembered for the session. */
  nameOf(id: string): Promise<string | undefined> {
    let name = this.#names.get(id);
    if (name === undefined) {
      name = this.#fetchName(id).catch(() => undefined);
      this.#names.set(id, name);
    }
    return name;
  }

  async #fetchName(id: string): Promise<string> {
    const { project } = await this.#limiter.queue(() =>
      this.#session.keystoneJson(
        `/projects/${encodeURIComponent(id)}`,
        z.looseObject({ project: projectSchema }),
        {
          404: {
            details: { reason: 'project-not-found', project: id, by: 'id' },
            message: `There is no project with the ID ${id}.`,
          },
        },
      ),
    );
    return project.name;
  }

  /** The projects the user may sign in to; a profile without Keystone cannot look at all. */
  async #ownProjects(name: string, refusal: unknown): Promise<z.output<typeof projectSchema>[]> {
    if (isAppError(refusal) && refusal.details?.reason === 'no-auth-url') {
      throw new AppError({
        kind: 'unsupported',
        message: `This profile signs in without Keystone, so “${name}” cannot be looked up. Enter the project's ID.`,
        details: { reason: 'project-lookup-unavailable' },
      });
    }
    const { projects } = await this.#session.keystoneJson('/auth/projects', projectListSchema);
    return projects;
  }
}
