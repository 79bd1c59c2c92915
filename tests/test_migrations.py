"""The schema comes from the Alembic migrations, applied once however many processes start together."""

import concurrent.futures

from sqlalchemy import inspect

from service.counts import migrate
from service.counts.tables import make_engine


def test_db_upgrade_applies_the_migrations(runner, app):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"revision {migrate.head()}" in result.output
    engine = app.extensions["textline"].counts.engine
    assert migrate.revision(engine) == migrate.head()
    assert {"usage_counts", "seen_messages", "alembic_version"} <= set(inspect(engine).get_table_names())


def test_simultaneous_upgrades_migrate_once(database_url):
    engines = [make_engine(database_url) for _ in range(4)]
    try:
        with concurrent.futures.ThreadPoolExecutor(len(engines)) as pool:
            did = list(pool.map(migrate.upgrade, engines))
        assert did.count(True) >= 1  # the others found nothing left, or waited and re-checked
        assert all(migrate.revision(engine) == migrate.head() for engine in engines)
        assert migrate.upgrade(engines[0]) is False
    finally:
        for engine in engines:
            engine.dispose()


def test_a_database_made_before_migrations_is_adopted(tmp_path):
    from service.counts.tables import metadata

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    metadata.create_all(engine)  # how the tables were made before Alembic
    assert migrate.upgrade(engine) is True
    assert migrate.revision(engine) == migrate.head()
    engine.dispose()


def test_head_constant_names_the_newest_migration():
    assert migrate.head() == migrate.HEAD


def test_counts_made_before_the_answered_by_column_keep_their_rows(database_url):
    """0002 adds how a message was understood to the counts' key; counts already there keep it empty."""
    import datetime as dt

    from alembic import command
    from sqlalchemy import text

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            config = migrate._config()
            config.attributes["connection"] = conn
            command.upgrade(config, "0001")
            conn.execute(
                text("INSERT INTO usage_counts VALUES (:day, 'MEDS', 'es', 'sms', false, 7)"),
                {"day": dt.date(2026, 11, 1)},
            )
            conn.commit()
        assert migrate.upgrade(engine) is True
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT topic, locale, answered_by, count FROM usage_counts")).all()
            assert [tuple(r) for r in rows] == [("MEDS", "es", "", 7)]
            conn.execute(
                text("INSERT INTO usage_counts VALUES (:day, 'MEDS', 'es', 'sms', false, 'question', 2)"),
                {"day": dt.date(2026, 11, 1)},
            )
            conn.commit()  # the same day, topic and language, understood another way: a row of its own
        assert migrate.revision(engine) == migrate.head() == "0002"
    finally:
        engine.dispose()
