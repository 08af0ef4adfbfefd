"""Notifications that empty every process's host → union cache (tenants.routing).

On any write to the union or domain tables, and on any CREATE/ALTER/DROP SCHEMA,
NOTIFY lhh_routing; PostgreSQL delivers it when the writing transaction commits.
The event trigger needs a superuser; without one it is left out, and the cache stays
off (tenants.routing checks that every trigger is there).
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION tenants_routing_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lhh_routing', TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE TRIGGER tenants_union_routing_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants_union
    FOR EACH STATEMENT EXECUTE FUNCTION tenants_routing_notify();
CREATE TRIGGER tenants_domain_routing_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants_domain
    FOR EACH STATEMENT EXECUTE FUNCTION tenants_routing_notify();
CREATE FUNCTION tenants_routing_schema_notify() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lhh_routing', tg_tag);
END $$;
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        CREATE EVENT TRIGGER lhh_routing_schema_ddl ON ddl_command_end
            WHEN TAG IN ('CREATE SCHEMA', 'ALTER SCHEMA', 'DROP SCHEMA')
            EXECUTE FUNCTION tenants_routing_schema_notify();
    END IF;
END $$;
"""

BACKWARD = """
DROP EVENT TRIGGER IF EXISTS lhh_routing_schema_ddl;
DROP FUNCTION IF EXISTS tenants_routing_schema_notify();
DROP TRIGGER IF EXISTS tenants_domain_routing_notify ON tenants_domain;
DROP TRIGGER IF EXISTS tenants_union_routing_notify ON tenants_union;
DROP FUNCTION IF EXISTS tenants_routing_notify();
"""


class Migration(migrations.Migration):
    dependencies = [("tenants", "0004_union_deletion")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
