"""The routing version that every process's host → union cache checks (tenants.routing).

One row, raised in the same transaction as any write to the union or domain tables
and any CREATE/ALTER/DROP SCHEMA, so a change is seen at the version exactly when it
commits. The event trigger needs a superuser; without one it is left out, and the
cache stays off (tenants.routing checks that every trigger is there).
"""

from django.db import migrations

FORWARD = """
CREATE TABLE tenants_routing_version (version bigint NOT NULL);
INSERT INTO tenants_routing_version VALUES (1);
CREATE FUNCTION tenants_routing_version_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE public.tenants_routing_version SET version = version + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER tenants_union_routing_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants_union
    FOR EACH STATEMENT EXECUTE FUNCTION tenants_routing_version_raise();
CREATE TRIGGER tenants_domain_routing_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants_domain
    FOR EACH STATEMENT EXECUTE FUNCTION tenants_routing_version_raise();
CREATE FUNCTION tenants_routing_version_schema_raise() RETURNS event_trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE public.tenants_routing_version SET version = version + 1;
END $$;
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        CREATE EVENT TRIGGER lhh_routing_schema_ddl ON ddl_command_end
            WHEN TAG IN ('CREATE SCHEMA', 'ALTER SCHEMA', 'DROP SCHEMA')
            EXECUTE FUNCTION tenants_routing_version_schema_raise();
    END IF;
END $$;
"""

BACKWARD = """
DROP EVENT TRIGGER IF EXISTS lhh_routing_schema_ddl;
DROP FUNCTION IF EXISTS tenants_routing_version_schema_raise();
DROP TRIGGER IF EXISTS tenants_domain_routing_version ON tenants_domain;
DROP TRIGGER IF EXISTS tenants_union_routing_version ON tenants_union;
DROP FUNCTION IF EXISTS tenants_routing_version_raise();
DROP TABLE IF EXISTS tenants_routing_version;
"""


class Migration(migrations.Migration):
    dependencies = [("tenants", "0004_union_deletion")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
