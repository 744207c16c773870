/**
 * Huawei Cloud, through the app's own clients, against a stand-in that answers like IAM and
 * IMS (test/support/ims-standin.ts): a profile made from the Huawei Cloud template signs in
 * with the account as the domain and the region as the project, lists with IMS's filters,
 * always names its page size, sends `X-Api-Version`, and takes IMS's image fields. A plain
 * Glance profile against the same server sends no IMS header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileFromTemplate } from '../../../common/provider-templates';
import { huaweiCloud } from '../../../common/providers';
import { GlanceClient } from '../../../main/openstack/glance';
import { imsApiVersion } from '../../../main/openstack/huawei-ims';
import { OpenStackSession } from '../../../main/openstack/keystone';
import { ProfileStore } from '../../../main/profiles/store';
import { startImsStandin, type ImsImage, type ImsStandin } from '../../support/ims-standin';
import { aesSecretBox, openConf, tempSettingsFolder } from '../../unit/profiles/helpers';

const account = 'acme-account';
const region = 'cn-north-4';

const image = (id: string, fields: Partial<ImsImage>): ImsImage => ({
  id,
  name: `image ${id}`,
  imagetype: 'private',
  platform: 'Ubuntu',
  osBit: '64',
  isRegistered: true,
  visibility: 'private',
  protected: false,
  diskFormat: 'zvhd2',
  ...fields,
});

const images: ImsImage[] = [
  image('00000000-0000-4000-8000-000000000001', {
    name: 'Ubuntu 22.04 server 64bit',
    imagetype: 'gold',
    visibility: 'public',
    protected: true,
  }),
  image('00000000-0000-4000-8000-000000000002', {
    name: 'Windows Server 2022',
    imagetype: 'gold',
    platform: 'Windows',
    visibility: 'public',
    protected: true,
  }),
  image('00000000-0000-4000-8000-000000000003', {
    name: 'shared by a partner',
    imagetype: 'shared',
    visibility: 'shared',
    memberStatus: 'pending',
    diskFormat: 'zvhd',
  }),
  // More private images than IMS's default page of 25.
  ...Array.from({ length: 30 }, (_, i) =>
    image(`00000000-0000-4000-8000-1000000000${String(i).padStart(2, '0')}`, {
      data: Buffer.from(`private image ${i}`),
    }),
  ),
];

let ims: ImsStandin;

beforeAll(async () => {
  ims = await startImsStandin(images, { account, user: 'alice', password: 'pw', region });
});
afterAll(() => ims.stop());

/** The Huawei Cloud template's profile, signing in at the stand-in instead of the real IAM. */
function huaweiSession(): OpenStackSession {
  const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
  const profile = profileFromTemplate(huaweiCloud, {
    authMethod: 'password',
    region,
    account,
    userName: 'alice',
    secret: 'pw',
  });
  const saved = store.save({ ...profile, authUrl: ims.iamUrl });
  return new OpenStackSession(store.resolveConnection(saved.id));
}

const imageRequests = () => ims.requests.filter((req) => req.url.pathname.startsWith('/v2/'));

describe('Huawei Cloud IMS (stand-in)', () => {
  it('signs in with the account as both domains and the region as the project, and reads X-Subject-Token', async () => {
    const session = huaweiSession();
    const glance = new GlanceClient(session);
    const page = await glance.listImages({ limit: 5 });
    expect(page.images).toHaveLength(5);
    const signIn = ims.requests.find((req) => req.method === 'POST');
    expect(JSON.parse(signIn?.body ?? '{}')).toMatchObject({
      auth: {
        identity: { password: { user: { name: 'alice', domain: { name: account } } } },
        scope: { project: { name: region, domain: { name: account } } },
      },
    });
    await session.close();
  });

  it('sends X-Api-Version (Queens) and a page size with every list, even when none is asked for', async () => {
    const session = huaweiSession();
    const glance = new GlanceClient(session);
    const before = imageRequests().length;
    const first = await glance.listImages();
    expect(first.images).toHaveLength(images.length);
    expect(first.nextMarker).toBeUndefined();
    const sent = imageRequests().slice(before);
    expect(sent.map((req) => req.url.searchParams.get('limit'))).toEqual(['1000']);
    expect(imsApiVersion > 'M').toBe(true);
    for (const req of sent) expect(req.headers['x-api-version']).toBe(imsApiVersion);

    // Pages: IMS's next link gives the marker.
    const small = await glance.listImages({ limit: 25 });
    expect(small.images).toHaveLength(25);
    expect(small.nextMarker).toBe(images[24]?.id);
    await session.close();
  });

  it('lists with the IMS quick views’ filters, and keeps IMS’s own fields', async () => {
    const session = huaweiSession();
    const glance = new GlanceClient(session);
    const publicImages = await glance.listImages({
      visibility: 'public',
      protected: true,
      properties: { __imagetype: 'gold' },
      limit: 100,
    });
    expect(publicImages.images.map((found) => found.name)).toEqual([
      'Ubuntu 22.04 server 64bit',
      'Windows Server 2022',
    ]);
    const windows = await glance.listImages({
      properties: { __imagetype: 'gold', __platform: 'Windows', __os_bit: '64' },
      limit: 100,
    });
    expect(windows.images.map((found) => found.name)).toEqual(['Windows Server 2022']);

    const pending = await glance.listImages({
      member_status: 'pending',
      visibility: 'shared',
      properties: { __imagetype: 'shared' },
      limit: 100,
    });
    expect(pending.images).toHaveLength(1);
    const [shared] = pending.images;
    expect(shared?.disk_format).toBe('zvhd');
    // IMS's own fields pass the image check and are kept as they came.
    expect(shared?.properties).toMatchObject({
      __imagetype: 'shared',
      __image_size: '0',
      __isregistered: 'true',
      virtual_env_type: 'FusionCompute',
    });
    const one = await glance.getImage(images[3]?.id ?? '');
    expect(one.disk_format).toBe('zvhd2');
    expect(one.properties.__image_size).toBe(String(images[3]?.data?.length));
    await session.close();
  });

  it('goes to IMS of the region when the catalog lists no image service', async () => {
    const bare = await startImsStandin(images, {
      account,
      user: 'alice',
      password: 'pw',
      region,
      catalogWithoutIms: true,
    });
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const profile = profileFromTemplate(huaweiCloud, {
      authMethod: 'password',
      region,
      account,
      userName: 'alice',
      secret: 'pw',
    });
    const saved = store.save({ ...profile, authUrl: bare.iamUrl });
    const session = new OpenStackSession(store.resolveConnection(saved.id));
    expect(await session.imageEndpoint()).toBe('https://ims.cn-north-4.myhuaweicloud.com');

    // A plain Glance cloud without an image service in its catalog still fails as before.
    const plain = store.save({
      ...profile,
      name: 'plain',
      provider: undefined,
      authUrl: bare.iamUrl,
    });
    const plainSession = new OpenStackSession(store.resolveConnection(plain.id));
    await expect(plainSession.imageEndpoint()).rejects.toMatchObject({
      details: { reason: 'no-image-service' },
    });
    await Promise.all([session.close(), plainSession.close(), bare.stop()]);
  });

  it('sends no IMS header for a cloud that is not Huawei’s', async () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const saved = store.save({
      name: 'plain glance',
      authMethod: 'password',
      interface: 'public',
      authUrl: ims.iamUrl,
      region,
      userName: 'alice',
      userDomainName: account,
      projectName: region,
      projectDomainName: account,
      secret: 'pw',
    });
    const session = new OpenStackSession(store.resolveConnection(saved.id));
    const before = imageRequests().length;
    await new GlanceClient(session).listImages({ limit: 1 });
    const [sent] = imageRequests().slice(before);
    expect(sent?.headers['x-api-version']).toBeUndefined();
    await session.close();
  });
});
