from alembic import context

from cases.storage.db import include_object
from cases.storage.models import Base

engine = context.config.attributes["engine"]
sqlite = engine.dialect.name == "sqlite"

with engine.connect() as connection:
    if sqlite:
        # Batch migrations copy a table and drop the old one; with foreign keys on, that
        # drop would fire ON DELETE CASCADE / SET NULL on every row referring to it.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=sqlite,
    )
    with connection.begin():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"migration left dangling foreign keys: {broken[:5]}")
