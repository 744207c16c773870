import type { ConnectionConfig } from '../../common/connection';
import type { RequestFailure } from '../net/transport';
import { GlanceClient } from './glance';
import { OpenStackSession } from './keystone';
import { MetadefCatalog } from './metadefs';
import { PagePrefetcher } from './page-prefetch';
import { ProjectDirectory } from './projects';

/** The OpenStack clients of one profile. */
export interface ProfileClients {
  session: OpenStackSession;
  glance: GlanceClient;
  /** Image list pages, the next one fetched ahead for the renderer's paging. */
  pages: PagePrefetcher;
  /** Keystone's projects by name or ID, for sharing. */
  projects: ProjectDirectory;
  /** Glance's metadata definitions for images, read once. */
  metadefs: MetadefCatalog;
}

/** Where a profile's connection comes from (the profile store). */
export interface ConnectionSource {
  resolveConnection(profileId: string): ConnectionConfig;
}

/**
 * One session + Glance client per profile, built on first use and dropped when the profile
 * is saved or deleted. A dropped session is not closed: a running transfer may still hold
 * it, and its idle keep-alive connections close by themselves.
 */
export class ClientCache {
  readonly #clients = new Map<string, ProfileClients>();

  constructor(
    private readonly connections: ConnectionSource,
    private readonly onRequestFailed?: (failure: RequestFailure) => void,
  ) {}

  get(profileId: string): ProfileClients {
    let clients = this.#clients.get(profileId);
    if (clients === undefined) {
      const session = new OpenStackSession(
        this.connections.resolveConnection(profileId),
        this.onRequestFailed === undefined ? {} : { onRequestFailed: this.onRequestFailed },
      );
      const glance = new GlanceClient(session);
      clients = {
        session,
        glance,
        pages: new PagePrefetcher((query) => glance.listImages(query)),
        projects: new ProjectDirectory(session),
        metadefs: new MetadefCatalog(session),
      };
      this.#clients.set(profileId, clients);
    }
    return clients;
  }

  invalidate(profileId: string): void {
    this.#clients.delete(profileId);
  }

  async close(): Promise<void> {
    const sessions = [...this.#clients.values()].map(({ session }) => session.close());
    this.#clients.clear();
    await Promise.all(sessions);
  }
}
