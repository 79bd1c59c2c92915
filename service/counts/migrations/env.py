"""Alembic environment: run the migrations on the connection textline hands over.

``service.counts.migrate.upgrade`` passes an open connection (holding the migration
lock); plain ``alembic`` commands fall back to ``DATABASE_URL``.
"""

from alembic import context


def run(connection) -> None:
    context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    from service.counts.tables import make_engine
    from service.settings import Settings

    url = context.config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        engine = make_engine(url)
        with engine.connect() as conn:
            run(conn)
            conn.commit()
        engine.dispose()
