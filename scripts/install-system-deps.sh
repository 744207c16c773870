#!/usr/bin/env bash
# Debian/Ubuntu packages the tests and benchmarks need (run as root):
# - Keystone + Glance (python3-*) for the real OpenStack test bed (test/testbed), run under
#   Debian's /usr/bin/python3 (not a python3 that may come first on PATH);
# - the openstack / glance CLIs, as benchmark peers;
# - Chromium + a CJK font for the renderer tests; openssl for the TLS tests; curl for benchmarks.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  python3-glance python3-keystone python3-keystonemiddleware \
  python3-openstackclient python3-glanceclient \
  chromium fonts-noto-cjk openssl curl ca-certificates
# Fail here, not in the middle of a test run, if the test bed's Python side is incomplete.
/usr/bin/python3 -c 'import glance.cmd.api, glance.cmd.manage, keystone.cmd.cli, keystone.server.wsgi, keystonemiddleware.auth_token, sqlite3'
