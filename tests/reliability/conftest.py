import shutil

import pytest

from .servers import Server, server_env, setup_steps


@pytest.fixture(scope="session")
def prepared_sqlite(tmp_path_factory):
    """A SQLite file after `make setup`'s steps (and the static files they collect), built once."""
    root = tmp_path_factory.mktemp("prepared")
    database = root / "db.sqlite3"
    env = server_env(f"sqlite:///{database}", static_root=root / "static")
    setup_steps(env)
    return database, root / "static"


@pytest.fixture
def sqlite_copy(prepared_sqlite, tmp_path):
    """This test's own copy of the prepared database, and the environment to serve it."""
    source, static_root = prepared_sqlite
    database = tmp_path / "db.sqlite3"
    shutil.copy(source, database)
    return database, static_root


@pytest.fixture
def make_server(tmp_path):
    servers = []

    def start(database_url: str, static_root, workers: int = 1, extra_args=None, **env) -> Server:
        server = Server(
            server_env(database_url, static_root=static_root, **env),
            tmp_path / f"gunicorn-{len(servers)}.log",
            workers=workers,
            extra_args=extra_args,
        )
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
