"""CRUD on a declared PostgreSQL table: handlers with parametrised SQL, the migration."""
