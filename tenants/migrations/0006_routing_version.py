"""The routing version that every process's host → union cache checks (tenants.routing).

One row, raised in the same transaction as any write to the union or domain tables, so
a change is seen at the version exactly when it commits.
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
"""

BACKWARD = """
DROP TRIGGER IF EXISTS tenants_domain_routing_version ON tenants_domain;
DROP TRIGGER IF EXISTS tenants_union_routing_version ON tenants_union;
DROP FUNCTION IF EXISTS tenants_routing_version_raise();
DROP TABLE IF EXISTS tenants_routing_version;
"""


class Migration(migrations.Migration):
    dependencies = [("tenants", "0005_union_review_pending")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
