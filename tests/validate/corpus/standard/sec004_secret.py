"""Connection settings with the database password written into the source."""

import os

DB_HOST = os.environ.get("DB_HOST", "localhost")
DB_USER = "orders"
DB_PASSWORD = "orders-prod-2024"  # expect: SEC004
