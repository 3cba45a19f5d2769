"""Full-text search over error entries: code, title, message and description.

SQLite: an FTS5 table over catalogue_errorentry (external content, no second copy
of the text) kept in step by triggers. PostgreSQL: a GIN index on the tsvector
expression that ErrorEntryQuerySet.search() filters on. Other databases: nothing
(search falls back to LIKE there).

SQLite drops a table's triggers when a later migration rebuilds the table (Django
does that for most column changes): such a migration must call
`create_sqlite_search(schema_editor)` again. tests/performance/test_search_fts.py
fails if the index stops following edits.
"""

from django.db import migrations

TABLE = "catalogue_errorentry"
# Both as errorkb/catalogue/querysets.py has them; PostgreSQL uses the index only
# for the very same expression (tests/performance/test_search_fts.py checks it).
SQLITE_SEARCH_TABLE = "catalogue_errorentry_fts"
POSTGRES_SEARCH_VECTOR = "to_tsvector('simple'::regconfig, code || ' ' || title || ' ' || message || ' ' || description)"
COLUMNS = "code, title, message, description"
OLD = "old.id, old.code, old.title, old.message, old.description"
NEW = "new.id, new.code, new.title, new.message, new.description"


def create_sqlite_search(schema_editor) -> None:
    fts = SQLITE_SEARCH_TABLE
    for statement in (
        f"DROP TABLE IF EXISTS {fts}",
        # unicode61 splits on punctuation and folds case and diacritics; '-' splits
        # 'low-balance' into words the query side splits the same way.
        f"CREATE VIRTUAL TABLE {fts} USING fts5({COLUMNS}, content='{TABLE}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {TABLE} BEGIN "
        f"INSERT INTO {fts}(rowid, {COLUMNS}) VALUES ({NEW}); END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {TABLE} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {COLUMNS}) VALUES ('delete', {OLD}); END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {TABLE} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {COLUMNS}) VALUES ('delete', {OLD}); "
        f"INSERT INTO {fts}(rowid, {COLUMNS}) VALUES ({NEW}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ):
        schema_editor.execute(statement)


def create_search(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        create_sqlite_search(schema_editor)
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS catalogue_errorentry_search ON {TABLE} "
            f"USING gin (({POSTGRES_SEARCH_VECTOR}))"
        )


def drop_search(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        fts = SQLITE_SEARCH_TABLE
        for suffix in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS catalogue_errorentry_search")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(create_search, drop_search, elidable=False)]
