"""Helpers for test/testbed/index.ts, run with Debian's /usr/bin/python3.

  testbed.py keystone-setup CONF KEYSTONE_URL REGION   (env OS_BOOTSTRAP_PASSWORD)
  testbed.py glance-setup CONF
  testbed.py serve-keystone CONF PORT
  testbed.py serve-glance CONF
  testbed.py sql DB        (JSON on stdin: {"script": [[sql, [rows...]], ...]})

Every command asks the kernel to stop it when its parent (the Node process) dies, so a
killed test run leaves no server behind.
"""

import ctypes
import json
import os
import runpy
import signal
import sqlite3
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the parent died before prctl took effect
        sys.exit(1)


def use_wal(db):
    # Without WAL, concurrent requests intermittently fail with "database is locked".
    with sqlite3.connect(db) as conn:
        conn.execute('PRAGMA journal_mode=WAL')


def sqlite_path(conf, section='database'):
    import configparser
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(conf)
    return parser[section]['connection'].removeprefix('sqlite:///')


def keystone_setup(conf, url, region):
    # db_sync and bootstrap in one interpreter: importing keystone costs ~3 s of CPU per
    # keystone-manage run. CONF.clear() lets keystone-manage parse a second command line.
    from keystone.cmd import cli
    from keystone.conf import CONF
    cli.main(argv=['keystone-manage', '--config-file', conf, 'db_sync'])
    CONF.clear()
    cli.main(argv=['keystone-manage', '--config-file', conf, 'bootstrap',
                   '--bootstrap-admin-url', url, '--bootstrap-internal-url', url,
                   '--bootstrap-public-url', url, '--bootstrap-region-id', region])
    use_wal(sqlite_path(conf))


def glance_setup(conf):
    from glance.cmd.manage import main
    sys.argv = ['glance-manage', '--config-file', conf, 'db_sync']
    try:
        main()
    except SystemExit as exit:
        if exit.code:
            raise
    use_wal(sqlite_path(conf))


def serve_keystone(conf, port):
    sys.argv = ['keystone-wsgi-public', '--host', '127.0.0.1', '--port', port,
                '--', '--config-file', conf]
    runpy.run_path('/usr/bin/keystone-wsgi-public', run_name='__main__')


def serve_glance(conf):
    from glance.cmd.api import main
    sys.argv = ['glance-api', '--config-file', conf]
    main()


def sql(db):
    """Runs statements with many rows each, in one transaction (bulk seeding)."""
    script = json.load(sys.stdin)['script']
    with sqlite3.connect(db, timeout=60) as conn:
        for statement, rows in script:
            conn.executemany(statement, rows)


def main():
    die_with_parent()
    command, args = sys.argv[1], sys.argv[2:]
    {
        'keystone-setup': keystone_setup,
        'glance-setup': glance_setup,
        'serve-keystone': serve_keystone,
        'serve-glance': serve_glance,
        'sql': sql,
    }[command](*args)


if __name__ == '__main__':
    main()
