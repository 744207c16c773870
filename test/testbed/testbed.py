"""Helpers for test/testbed/*.ts, run with Debian's /usr/bin/python3.

  testbed.py keystone CONF KEYSTONE_URL REGION PORT   db_sync, bootstrap (admin password
                                                      in env OS_BOOTSTRAP_PASSWORD), serve
  testbed.py glance CONF [METADEFS]                   db_sync, load the metadata definitions
                                                      in folder METADEFS (if given), serve
  testbed.py sql DB    JSON on stdin: [[statement, [row, ...]], ...], run in one transaction

Set-up and server share one interpreter per service: importing Keystone or Glance costs
2-4 s of CPU, which is most of the test bed's start-up time. Every command asks the kernel
to stop it when its parent (the Node process) dies, so a killed test run leaves no server
behind.
"""

import ctypes
import json
import os
import signal
import sqlite3
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the parent died before prctl took effect
        sys.exit(1)


def use_wal(conf):
    # Without WAL, concurrent requests intermittently fail with "database is locked".
    import configparser
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(conf)
    db = parser['database']['connection'].removeprefix('sqlite:///')
    with sqlite3.connect(db) as conn:
        conn.execute('PRAGMA journal_mode=WAL')


def keystone(conf, url, region, port):
    import wsgiref.simple_server
    from keystone.cmd import cli
    from keystone.common import provider_api
    from keystone.conf import CONF
    from keystone.server.wsgi import initialize_public_application

    cli.main(argv=['keystone-manage', '--config-file', conf, 'db_sync'])
    # CONF.clear() lets keystone-manage parse a second command line in this process.
    CONF.clear()
    cli.main(argv=['keystone-manage', '--config-file', conf, 'bootstrap',
                   '--bootstrap-admin-url', url, '--bootstrap-internal-url', url,
                   '--bootstrap-public-url', url, '--bootstrap-region-id', region])
    use_wal(conf)

    # Then serve as keystone-wsgi-public does (wsgiref, one request at a time), after
    # forgetting keystone-manage's command line and the managers bootstrap loaded.
    CONF.clear()
    CONF.unregister_opt(cli.command_opt)
    provider_api.ProviderAPIs._clear_registry_instances()
    sys.argv = ['keystone-wsgi-public', '--config-file', conf]
    app = initialize_public_application()
    wsgiref.simple_server.make_server('127.0.0.1', int(port), app).serve_forever()


def load_metadefs(folder):
    # What `glance-manage db_load_metadefs FOLDER` does, on the engine db_sync configured,
    # with SQLite's fsync per insert turned off while loading: 0.6 s instead of 2 s.
    import sqlalchemy
    from glance.db.sqlalchemy import api as db_api, metadata

    def no_fsync(connection, _record):
        connection.execute('PRAGMA synchronous=OFF')

    engine = db_api.get_engine()
    engine.dispose()
    sqlalchemy.event.listen(engine, 'connect', no_fsync)
    try:
        metadata.db_load_metadefs(engine, folder, merge=False, prefer_new=False,
                                  overwrite=False)
        # It only logs what it could not read: fail here rather than serve without them.
        with engine.connect() as connection:
            loaded = connection.execute(
                sqlalchemy.text('SELECT count(*) FROM metadef_namespaces')).scalar()
        if not loaded:
            sys.exit(f'No metadata definitions could be loaded from {folder}')
    finally:
        sqlalchemy.event.remove(engine, 'connect', no_fsync)
        engine.dispose()


def glance(conf, metadefs=None):
    import glance.cmd.api as api  # first: it monkey-patches for eventlet, as glance-api does
    from glance.cmd import manage
    from oslo_config import cfg

    sys.argv = ['glance-manage', '--config-file', conf, 'db_sync']
    manage.main()
    if metadefs:
        load_metadefs(metadefs)
    use_wal(conf)

    cfg.CONF.clear()
    cfg.CONF.unregister_opt(manage.command_opt)
    cfg.CONF.set_default('use_stderr', False)  # glance-manage's choice: it would log twice
    sys.argv = ['glance-api', '--config-file', conf]
    api.main()


def sql(db):
    script = json.load(sys.stdin)
    with sqlite3.connect(db, timeout=60) as conn:
        for statement, rows in script:
            conn.executemany(statement, rows)


def main():
    die_with_parent()
    command, args = sys.argv[1], sys.argv[2:]
    {'keystone': keystone, 'glance': glance, 'sql': sql}[command](*args)


if __name__ == '__main__':
    main()
