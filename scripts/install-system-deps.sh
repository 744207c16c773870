#!/usr/bin/env bash
# Debian/Ubuntu packages the tests and benchmarks need (run as root):
# - Keystone + Glance (python3-*) for the real OpenStack test bed (test/testbed), run under
#   Debian's /usr/bin/python3 (not a python3 that may come first on PATH), and Glance's
#   metadata definitions from glance-common (extracted below);
# - the openstack / glance CLIs, as benchmark peers;
# - Chromium + a CJK font for the renderer tests; openssl for the TLS tests; curl for benchmarks;
# - qemu-img (qemu-utils) to make test images in every format, and xz, zstd, bzip2 and zip for
#   the compressed ones (the disk-image check is compared with qemu-img info);
# - aria2 as the segmented-download peer in the benchmarks.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  python3-glance python3-keystone python3-keystonemiddleware \
  python3-openstackclient python3-glanceclient \
  chromium fonts-noto-cjk openssl curl ca-certificates \
  qemu-utils xz-utils zstd bzip2 zip aria2

# Glance's metadata definitions, which the test bed loads: extracted from Debian's
# glance-common (the same version as python3-glance), not installed, because its postinst
# writes /etc/glance/ (whose schema-image.json every Glance on the machine then reads), adds
# a system user and runs debconf.
metadefs=/usr/local/share/glance-common/metadefs
package_dir=$(mktemp -d)
trap 'rm -rf "$package_dir"' EXIT
chown _apt "$package_dir" # apt downloads as _apt (else it warns and downloads as root)
(cd "$package_dir" && apt-get download "glance-common=$(dpkg-query -W -f='${Version}' python3-glance)")
dpkg-deb -x "$package_dir"/glance-common_*.deb "$package_dir/root"
rm -rf "$metadefs"
mkdir -p "$(dirname "$metadefs")"
cp -r "$package_dir/root/usr/share/glance-common/metadefs" "$metadefs"

# Fail here, not in the middle of a test run, if the test bed's Python side is incomplete.
/usr/bin/python3 -c 'import glance.cmd.api, glance.cmd.manage, glance.db.sqlalchemy.metadata, keystone.cmd.cli, keystone.server.wsgi, keystonemiddleware.auth_token, sqlite3'
ls "$metadefs"/*.json >/dev/null
