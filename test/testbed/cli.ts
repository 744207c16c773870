// `npm run testbed`: a real Keystone and two Glances (two regions) on loopback for people, until Ctrl-C.
import { startTestbed, testbedInfo, type Testbed } from './index';

const bed = await startTestbed({ log: (line) => console.log(line) });
console.log(describe(bed));

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the test bed…');
  await bed.stop();
  console.log('Stopped; the temp folder is gone.');
  process.exit(0);
};
// Our handlers replace the test bed's default (kill and exit) with a clean stop.
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
// Keep the event loop alive: the servers are unref'd child processes.
setInterval(() => undefined, 1 << 30);

function describe(t: Testbed): string {
  const { admin, member, second } = t;
  const user = (label: string, u: typeof admin) =>
    `  ${label}: user ${u.username} / ${u.password}  (id ${u.userId}), project ${u.projectName} (id ${u.projectId}), domain ${u.domainId}`;
  const cloud = (u: typeof admin, region = t.region) => `    auth:
      auth_url: ${t.authUrl}
      username: ${u.username}
      password: ${u.password}
      project_name: ${u.projectName}
      user_domain_id: ${u.domainId}
      project_domain_id: ${u.domainId}
    region_name: ${region}
    interface: public
    identity_api_version: 3`;
  return `
Test bed running. Ctrl-C stops it and deletes ${t.dir}.

  Keystone (auth URL): ${t.authUrl}
  Glance:              ${t.glanceUrl}  region ${t.region}, stores local (default) and cold,
                       metadata definitions loaded, glance-download from ${t.second.region}
  Second Glance:       ${second.glanceUrl}  region ${second.region}, its own database and store
${user('admin ', admin)}
${user('member', member)}
  Logs: ${t.logDir}

For the tests (reuse this bed instead of starting one):
  export GLANCE_DESK_TESTBED='${JSON.stringify(testbedInfo(t))}'

clouds.yaml:
clouds:
  testbed-admin:
${cloud(admin)}
  testbed-member:
${cloud(member)}
  testbed-admin-${second.region.toLowerCase()}:
${cloud(admin, second.region)}
  testbed-member-${second.region.toLowerCase()}:
${cloud(member, second.region)}

openstack CLI as the member:
  export OS_AUTH_URL=${t.authUrl} OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=${t.region} OS_INTERFACE=public
  export OS_USERNAME=${member.username} OS_PASSWORD='${member.password}' OS_PROJECT_NAME=${member.projectName}
  export OS_USER_DOMAIN_ID=${member.domainId} OS_PROJECT_DOMAIN_ID=${member.domainId}
(as admin: OS_USERNAME=${admin.username} OS_PASSWORD='${admin.password}' OS_PROJECT_NAME=${admin.projectName};
 the second Glance: OS_REGION_NAME=${second.region})
`;
}
