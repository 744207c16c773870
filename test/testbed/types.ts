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

export interface TestbedInfo {
  /** Keystone, with the /v3 suffix: http://127.0.0.1:PORT/v3 */
  authUrl: string;
  /** Glance's root: http://127.0.0.1:PORT */
  glanceUrl: string;
  region: string;
  /** Admin user, admin role on the admin project. */
  admin: TestbedUser;
  /** Non-admin user with the member role on a second project. */
  member: TestbedUser;
  /** Where the Keystone and Glance logs are written. */
  logDir: string;
  /** The temp folder holding configs, databases, the image store and `logDir`. */
  dir: string;
  /** Glance's SQLite database (for bulk seeding: test/testbed/seed.ts). */
  glanceDatabase: string;
  /** Glance's file store (`[local] filesystem_store_datadir`). */
  glanceStoreDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testbed: TestbedInfo;
  }
}
