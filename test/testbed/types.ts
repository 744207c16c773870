/** What the running test bed tells tests (via vitest's `inject('testbed')`) and people (`npm run testbed`). */
export interface TestbedUser {
  username: string;
  password: string;
  userId: string;
  projectId: string;
  projectName: string;
  /** Domain id of both the user and the project. */
  domainId: string;
}

/**
 * The second, independent image service: its own Glance, database and store, registered in
 * the same Keystone (same users and projects) as another region. Its fields carry the same
 * names as the first Glance's, so `{ ...bed, ...bed.second }` is a TestbedInfo for it (e.g.
 * for seed.ts).
 */
export interface SecondRegion {
  region: string;
  /** This Glance's root: http://127.0.0.1:PORT */
  glanceUrl: string;
  glanceDatabase: string;
  /** Its only file store, `local`. */
  glanceStoreDir: string;
}

export interface TestbedInfo {
  /** Keystone, with the /v3 suffix: http://127.0.0.1:PORT/v3 */
  authUrl: string;
  /** Glance's root: http://127.0.0.1:PORT */
  glanceUrl: string;
  /** This Glance's region (RegionOne). */
  region: string;
  /** Admin user, admin role on the admin project. */
  admin: TestbedUser;
  /** Non-admin user with the member role on a second project. */
  member: TestbedUser;
  /** Where the Keystone and Glance logs are written (keystone.log, glance.log, glance-regiontwo.log). */
  logDir: string;
  /** The temp folder holding configs, databases, the image stores and `logDir`. */
  dir: string;
  /** Glance's SQLite database (for bulk seeding: test/testbed/seed.ts). */
  glanceDatabase: string;
  /** Glance's default file store (`[local] filesystem_store_datadir`). */
  glanceStoreDir: string;
  /** Glance's second file store (`[cold] filesystem_store_datadir`). */
  glanceColdStoreDir: string;
  /** A second Glance, in its own region of the same Keystone. */
  second: SecondRegion;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testbed: TestbedInfo;
  }
}
